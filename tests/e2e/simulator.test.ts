import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { signBody } from "@/lib/webhook/signature";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { launchBrowser, signIn, visit } from "./browser";

let browser: Browser;
let page: Page;
let healthy: TestBot;
let failing: TestBot;
let channel: { id: string; channelSecret: string; botUserId: string };
let setup: Awaited<ReturnType<typeof arrange>>;

beforeAll(async () => {
  setup = await arrange();
  healthy = await startBot();
  failing = await startBot((_req, res) => void res.writeHead(500).end("Internal Server Error"));
  channel = await setup.channelFor("Simulator bot", healthy.url);
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await healthy?.close();
  await failing?.close();
});

describe("the Simulator", () => {
  test("a simulated user's message reaches the bot, signed, and the outcome shows", async () => {
    await visit(page, `/channels/${channel.id}/simulator`);
    await page.getByLabel("New user's display name").fill("Alice");
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByLabel("Message text").waitFor();
    await page.getByLabel("Message text").fill("hello bot");
    await page.getByRole("button", { name: "Send message" }).click();
    await expect.poll(() => page.getByTestId("simulator-outcome").first().textContent(), { timeout: 10_000 }).toMatch(
      /^Delivered · 200 · \d+ ms$/,
    );

    expect(healthy.received).toHaveLength(1);
    const [request] = healthy.received;
    expect(request.headers["x-line-signature"]).toBe(signBody(channel.channelSecret, request.body));
    const body = JSON.parse(request.body);
    expect(body.destination).toBe(channel.botUserId);
    expect(body.events[0]).toMatchObject({
      type: "message",
      mode: "active",
      message: { type: "text", text: "hello bot" },
      deliveryContext: { isRedelivery: false },
    });
  });

  test("follow, postback and unfollow go out in the order they were made", async () => {
    await page.getByRole("button", { name: "Follow", exact: true }).click();
    await page.getByRole("button", { name: "Send postback" }).click();
    await page.getByRole("button", { name: "Unfollow" }).click();
    await expect.poll(() => healthy.received.length, { timeout: 10_000 }).toBe(4);
    expect(healthy.received.map((r) => JSON.parse(r.body).events[0].type)).toEqual([
      "message",
      "follow",
      "postback",
      "unfollow",
    ]);
  });

  test("Verify reports Success, then LINE's words for a 500, and is never counted", async () => {
    await visit(page, `/channels/${channel.id}/messaging-api`);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByTestId("verify-result").textContent(), { timeout: 10_000 }).toBe("Success");
    expect(JSON.parse(healthy.received.at(-1)!.body)).toEqual({ destination: channel.botUserId, events: [] });

    await setup.db().channel.update({ where: { id: channel.id }, data: { webhookUrl: failing.url } });
    await page.reload();
    await page.getByRole("button", { name: "Verify" }).click();
    await expect
      .poll(() => page.getByTestId("verify-result").textContent(), { timeout: 10_000 })
      .toContain("The webhook returned an HTTP status code other than 200.(500 Internal Server Error)");
    expect(await setup.db().errorStat.count({ where: { channelId: channel.id } })).toBe(0);
  });

  test("the Delivery log lists every request with its outcome", async () => {
    await visit(page, `/channels/${channel.id}/log`);
    const rows = page.getByTestId("attempt");
    await expect.poll(() => rows.count()).toBe(6);
    expect(await rows.first().textContent()).toContain("error_status_code · 500");
    expect(await rows.first().textContent()).toContain("Verify");
    expect(await rows.last().textContent()).toContain("Success · 200");
  });
});
