import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startChaosBot, type ChaosBot } from "@/lib/chaos/chaos-bot";
import { acceptEvents } from "@/lib/delivery/ingest";
import { waitUntil } from "../support/wait";
import { arrange } from "./arrange";
import { launchBrowser, signIn, visit } from "./browser";

const run = promisify(execFile);
const USER = `U${"c4".repeat(16)}`;

let browser: Browser;
let page: Page;
let chaos: ChaosBot;
let setup: Awaited<ReturnType<typeof arrange>>;
let channel: Awaited<ReturnType<Awaited<ReturnType<typeof arrange>>["channelFor"]>>;
let broken: string;
let healthy: string;

const sends = () => setup.db().deliveryAttempt.count({ where: { channelId: channel.id } });

beforeAll(async () => {
  setup = await arrange();
  // A channel first aimed at the chaos bot's failing server; its healthy one checks signatures
  // with the channel secret, as @line/bot-sdk's middleware does.
  channel = await setup.channelFor("Chaos journey", "http://127.0.0.1:9/callback", { aggregation: true });
  chaos = await startChaosBot({ secret: channel.channelSecret });
  const url = (name: string) => chaos.behaviours.find((b) => b.name === name)!.url;
  broken = url("status-500");
  healthy = url("healthy");
  await setup.db().channel.update({ where: { id: channel.id }, data: { webhookUrl: broken } });
  channel = await setup.db().channel.findUniqueOrThrow({ where: { id: channel.id } });
  await acceptEvents(channel, ["one", "two", "three"].map((text) => ({ type: "message" as const, userId: USER, text })), "api");
  await waitUntil(async () => (await sends()) === 3, 15_000);
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await chaos?.close();
});

describe("from an error to its fix, against the chaos bot", () => {
  test("an error row's sends, a send's cURL run against the healthy bot, a bulk redelivery, the recovery", async () => {
    await visit(page, `/channels/${channel.id}/webhook-errors`);
    await page.getByTestId("error-count").first().getByRole("link").click();
    await page.waitForURL(/\/log\?/);
    await page.getByTestId("attempt").first().getByRole("link").first().click();
    await page.waitForURL(/\/log\/\d+$/);
    expect(await page.getByTestId("send-meaning").textContent()).toMatch(/^error_status_code · 500: /);

    // The developer runs the request against their own, fixed bot.
    await page.getByRole("button", { name: "Copy as cURL" }).click();
    const command = (await page.getByTestId("curl-command").textContent())!.replace(broken, healthy);
    const { stdout } = await run("sh", ["-c", `${command} -s -o /dev/null -w '%{http_code}'`]);
    expect(stdout).toBe("200");
    expect(chaos.deliveries.at(-1)!.isSignatureValid).toBe(true);

    // Then points the channel at it and redelivers what failed.
    await setup.db().channel.update({ where: { id: channel.id }, data: { webhookUrl: healthy } });
    await visit(page, `/channels/${channel.id}/log?outcome=failure&kind=event`);
    await page.getByText("Redeliver in bulk").click();
    await page.getByRole("button", { name: "Preview" }).click();
    expect(await page.getByTestId("bulk-summary").textContent()).toMatch(/^3 events, failed from /);
    await page.getByRole("button", { name: "Queue 3 redeliveries" }).click();
    await expect.poll(() => page.getByTestId("bulk-progress").textContent(), { timeout: 20_000 }).toContain("3 delivered");
    const redelivered = chaos.deliveries.filter((d) => JSON.parse(d.body).events[0]?.deliveryContext?.isRedelivery);
    expect(redelivered.map((d) => JSON.parse(d.body).events[0].message.text)).toEqual(["one", "two", "three"]);
    expect(redelivered.every((d) => d.isSignatureValid)).toBe(true);

    await visit(page, `/channels/${channel.id}/webhook-errors`);
    expect(await page.getByTestId("health-state").textContent()).toBe("Answering");
    expect(await page.getByTestId("health-outage").first().locator("td").nth(1).textContent()).toContain("(after ");
  });
});
