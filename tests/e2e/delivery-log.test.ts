import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { startBot, type TestBot } from "../support/bots";
import { waitUntil } from "../support/wait";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

const ALICE = `U${"a1".repeat(16)}`;
const BOB = `U${"b2".repeat(16)}`;

let browser: Browser;
let page: Page;
let bot: TestBot;
let setup: Awaited<ReturnType<typeof arrange>>;
let channel: Awaited<ReturnType<Awaited<ReturnType<typeof arrange>>["channelFor"]>>;

async function sends(): Promise<number> {
  return setup.db().deliveryAttempt.count({ where: { channelId: channel.id } });
}

/** Accepts events through the product's own ingest and waits until the app has sent them all. */
async function send(specs: EventSpec[]): Promise<void> {
  const before = await sends();
  await acceptEvents(channel, specs, "api");
  await waitUntil(async () => (await sends()) === before + specs.length, 15_000);
}

const rows = () => page.getByTestId("attempt");

beforeAll(async () => {
  setup = await arrange();
  // The bot fails every message that says "fail".
  bot = await startBot((req, res) => {
    const text: string = JSON.parse(req.body).events[0]?.message?.text ?? "";
    res.writeHead(text.includes("fail") ? 500 : 200).end();
  });
  channel = await setup.channelFor("Log journey", bot.url, { aggregation: true });
  await send([
    { type: "message", userId: ALICE, text: "hello" },
    { type: "message", userId: BOB, text: "please fail" },
    { type: "message", userId: ALICE, text: "fail again" },
  ]);
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

describe("finding the sends behind an error", () => {
  test("a Webhook errors row opens the Delivery log filtered to its reason, detail and time", async () => {
    await visit(page, `/channels/${channel.id}/webhook-errors`);
    const count = page.getByTestId("error-count").first();
    const behind = Number(await count.textContent());
    await count.getByRole("link").click();
    await page.waitForURL(/\/log\?/);
    const search = new URL(page.url()).searchParams;
    expect(Object.fromEntries([...search].filter(([key]) => key !== "from" && key !== "to"))).toEqual({
      outcome: "failure",
      reason: "error_status_code",
      detail: "500",
      kind: "event",
    });
    await expect.poll(() => rows().count()).toBe(behind);
    for (const text of await rows().allTextContents()) expect(text).toContain("error_status_code · 500");
    // The form shows the filters the link set.
    expect(await page.getByLabel("Reason").inputValue()).toBe("error_status_code");
  });

  test("a chart bar opens the sends of its reason in its bucket", async () => {
    await visit(page, `/channels/${channel.id}/webhook-errors`);
    const bar = page.locator(".we-chart .recharts-bar-rectangle").last();
    await bar.waitFor();
    await bar.click();
    await page.waitForURL(/\/log\?/);
    expect(new URL(page.url()).searchParams.get("reason")).toBe("error_status_code");
    await expect.poll(() => rows().count()).toBe(2);
  });

  test("filters from the form combine, stay in the URL, and say when nothing matches", async () => {
    await visit(page, `/channels/${channel.id}/log`);
    await page.getByLabel("Source user or group ID").fill(ALICE);
    await page.getByLabel("Outcome").selectOption("failure");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/source=/);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ source: ALICE, outcome: "failure" });
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain("error_status_code · 500");

    await visit(page, `/channels/${channel.id}/log?payload=${encodeURIComponent("events.0.message.text:hello")}`);
    await expect.poll(() => rows().count()).toBe(1);
    await visit(page, `/channels/${channel.id}/log?payload=${encodeURIComponent("events.0.message.text:nobody said this")}`);
    expect(await page.getByTestId("log-empty").textContent()).toBe("No send matches these filters.");
  });

  test("a malformed filter gets a clear message, never a 500, and lists nothing", async () => {
    for (const [search, message] of [
      ["type=mesage", '"mesage" is not an event type.'],
      ["source=U123", '"U123" is not a user, group or room ID'],
      ["payload=hello", "needs the form path:value"],
      ["from=2026-02-30T00:00", 'The start "2026-02-30T00:00" is not a date and time'],
    ]) {
      const response = await visit(page, `/channels/${channel.id}/log?${search}`);
      expect(response?.status()).toBe(200);
      expect(await page.getByTestId("log-problems").textContent()).toContain(message);
      expect(await rows().count()).toBe(0);
    }
  });
});

describe("watching the log", () => {
  test("new sends appear at the top without a reload; paused, they wait", async () => {
    await visit(page, `/channels/${channel.id}/log`);
    await expect.poll(() => rows().count()).toBe(3);
    expect(await page.getByTestId("live-tail").textContent()).toContain("Live");
    // A reload would lose this mark.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await send([{ type: "message", userId: BOB, text: "live one" }]);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(4);
    expect(await rows().first().textContent()).toContain("Success · 200");

    await page.getByRole("button", { name: "Pause" }).click();
    expect(await page.getByTestId("live-tail").textContent()).toBe("Paused");
    await send([{ type: "message", userId: BOB, text: "while paused" }]);
    await page.waitForTimeout(4500);
    expect(await rows().count()).toBe(4);
    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(5);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  });

  test("j and k move through the sends and Enter opens one", async () => {
    await visit(page, `/channels/${channel.id}/log?kind=event`);
    await expect.poll(() => rows().count()).toBe(5);
    await page.getByRole("heading", { name: "Delivery log" }).click();
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await page.keyboard.press("j");
    const second = await rows().nth(1).getAttribute("data-href");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-href"))).toBe(second);
    await page.keyboard.press("Enter");
    await page.waitForURL(url(second!));
    await page.getByRole("region", { name: "Request", exact: true }).waitFor();
  });
});

describe("a send seen whole", () => {
  test("the request as the bot got it, the response, the phases against the deadline", async () => {
    await visit(page, `/channels/${channel.id}/log?payload=${encodeURIComponent("events.0.message.text:please fail")}`);
    await rows().first().getByRole("link").first().click();
    await page.waitForURL(/\/log\/\d+$/);
    await page.getByTestId("request-header").first().waitFor();
    const received = bot.received.find((r) => r.body.includes("please fail"))!;
    const headers = Object.fromEntries(
      (await page.getByTestId("request-header").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")))).map(
        ([name, value]) => [name.toLowerCase(), value],
      ),
    );
    expect(headers).toEqual(received.headers);
    expect(await page.getByTestId("request-body").textContent()).toBe(received.body);
    expect(await page.getByTestId("request-size").textContent()).toBe(`${Buffer.byteLength(received.body).toLocaleString("en-US")} bytes`);
    expect(await page.getByTestId("response-line").textContent()).toMatch(/^HTTP\/1\.1 500 from 127\.0\.0\.1:\d+$/);
    expect(await page.getByTestId("send-phase").count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId("send-meaning").textContent()).toMatch(/^error_status_code · 500: /);
  });
});
