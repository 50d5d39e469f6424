import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { launchBrowser, url, visit } from "./browser";

// The app runs with TZ=America/Los_Angeles (global-setup) and the browser in London: the tab must
// still show UTC+9.
const BROWSER_ZONE = "Europe/London";

let browser: Browser;
let context: BrowserContext;
let page: Page;
let failing: TestBot;
let hanging: TestBot;
let setup: Awaited<ReturnType<typeof arrange>>;
let channel: { id: string };
let tester: { email: string; password: string };

async function signInAt(email: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ timezoneId: BROWSER_ZONE, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await visit(p, "/login");
  await p.getByLabel("Email address").fill(email);
  await p.getByLabel("Password").fill(password);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.waitForURL(/\/providers$/);
  return { context: ctx, page: p };
}

/** `YYYY-MM-DD HH:mm` in UTC+9 of an instant, by offset arithmetic, as the test's own yardstick. */
function utc9Minute(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** The table's rows as LINE's six cells. */
async function tableRows(p: Page): Promise<string[][]> {
  return p.getByTestId("error-row").evaluateAll((rows) =>
    rows.map((row) => {
      const cells = row.querySelectorAll("td");
      const text = (i: number) => (cells[i]?.textContent ?? "").trim();
      return [text(0), text(1), text(2), text(3), (row.querySelector("[data-testid=error-detail]")?.textContent ?? "").trim(), text(5)];
    }),
  );
}

async function sendFromSimulator(p: Page, text: string) {
  await visit(p, `/channels/${channel.id}/simulator`);
  if ((await p.getByLabel("Message text").count()) === 0) {
    await p.getByLabel("New user's display name").fill("Alice");
    await p.getByRole("button", { name: "Add user" }).click();
    await p.getByLabel("Message text").waitFor();
  }
  await p.getByLabel("Message text").fill(text);
  await p.getByRole("button", { name: "Send message" }).click();
}

async function errorCount(reason: string): Promise<number> {
  const rows = await setup.db().errorStat.findMany({ where: { channelId: channel.id, reason }, select: { count: true } });
  return rows.reduce((sum, r) => sum + r.count, 0);
}

beforeAll(async () => {
  setup = await arrange();
  failing = await startBot((_req, res) => void res.writeHead(500).end("Internal Server Error"));
  hanging = await startBot(() => "hang");
  channel = await setup.channelFor("Errors journey", failing.url);
  const { joinChannel } = await import("../support/access");
  const email = "errors-tester@example.com";
  tester = { email, password: (await joinChannel(await setup.accessOf(setup.adminId, channel.id), email, "TESTER")).password };
  browser = await launchBrowser();
  const admin = inject("admin");
  ({ context, page } = await signInAt(admin.email, admin.password));
});

afterAll(async () => {
  await browser?.close();
  await failing?.close();
  await hanging?.close();
});

describe("the Webhook errors tab", () => {
  test("while aggregation is off it explains how to turn it on; an Admin turns it on", async () => {
    await visit(page, `/channels/${channel.id}/webhook-errors`);
    expect(await page.getByText("Error statistics aggregation is off").isVisible()).toBe(true);
    await page.getByRole("link", { name: "Messaging API" }).last().click();
    await page.waitForURL(url(`/channels/${channel.id}/messaging-api`));
    const toggle = page.getByRole("switch", { name: "Error statistics aggregation", exact: true });
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("true");
  });

  test("a 500 and a timeout from the Simulator show on the chart and in the rows, in UTC+9", async () => {
    await sendFromSimulator(page, "hello bot");
    await expect.poll(() => errorCount("error_status_code"), { timeout: 15_000 }).toBe(1);
    // The same channel, now aimed at a bot that never answers.
    await setup.db().channel.update({ where: { id: channel.id }, data: { webhookUrl: hanging.url } });
    await sendFromSimulator(page, "are you there?");
    await expect.poll(() => errorCount("request_timeout"), { timeout: 15_000 }).toBe(1);
    const sentAt = Date.now();

    await visit(page, `/channels/${channel.id}/webhook-errors`);
    expect(await page.getByText("All times are UTC+9").isVisible()).toBe(true);
    const legendTotal = (reason: string) =>
      page.getByTestId("legend-reason").filter({ hasText: reason }).locator(".we-legend-total").textContent();
    expect(await legendTotal("error_status_code")).toBe("1");
    expect(await legendTotal("request_timeout")).toBe("1");
    expect(await page.getByTestId("total-errors").textContent()).toBe("2");

    // The chart draws both reasons, in their bars, and names them in the tooltip.
    const bars = page.locator(".we-chart .recharts-bar-rectangle");
    await expect.poll(() => bars.count()).toBeGreaterThanOrEqual(2);
    await bars.last().hover();
    const tooltip = page.locator(".we-tooltip");
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain("request_timeout");
    expect(await tooltip.textContent()).toContain("(UTC+9)");

    const rows = await tableRows(page);
    expect(rows.map((r) => r.slice(3))).toEqual(
      expect.arrayContaining([
        ["error_status_code", "500", "1"],
        ["request_timeout", "Request timeout", "1"],
      ]),
    );
    expect(rows).toHaveLength(2);
    // Newest first, and in UTC+9: neither the server's Los Angeles nor the browser's London.
    const [date, start] = rows[0];
    const shown = `${date} ${start.slice(0, 5)}`;
    expect([utc9Minute(sentAt), utc9Minute(sentAt - 60_000), utc9Minute(sentAt - 120_000)]).toContain(shown);
    expect(await page.getByTestId("error-detail").filter({ hasText: "Request timeout" }).isVisible()).toBe(true);
    // Each row says what its reason and detail mean, from the reason table.
    expect(await page.getByText("The bot server answered with HTTP status code 500, not 2xx.").isVisible()).toBe(true);
  });

  test("Download TSV file gives the table's rows and counts", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download TSV file" }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^webhook-errors-${channel.id}-\\d{8}T\\d{4}-\\d{8}T\\d{4}\\.tsv$`));
    const text = await readFile(await download.path(), "utf8");
    const lines = text.split("\n");
    expect(lines[0]).toBe("Date\tStart\tEnd\tReason\tDetail\tErrors");
    expect(lines.at(-1)).toBe("");
    const fileRows = lines.slice(1, -1).map((line) => line.split("\t"));
    expect(fileRows).toEqual(await tableRows(page));
  });

  test("new errors appear while the page is open, without a reload", async () => {
    await page.evaluate(() => {
      (window as unknown as { notReloaded?: boolean }).notReloaded = true;
    });
    await setup.db().channel.update({ where: { id: channel.id }, data: { webhookUrl: failing.url } });
    const other = await context.newPage();
    await sendFromSimulator(other, "one more");
    await other.close();
    await expect.poll(() => page.getByTestId("total-errors").textContent(), { timeout: 20_000 }).toBe("3");
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    const rows = await tableRows(page);
    expect(rows.reduce((sum, r) => sum + Number(r[5]), 0)).toBe(3);
  });

  test("the range and filters live in the URL, so a view can be shared and reloaded", async () => {
    await page.getByLabel("Reason", { exact: true }).selectOption("request_timeout");
    await page.waitForURL(/reason=request_timeout/);
    await expect.poll(async () => (await tableRows(page)).map((r) => r[3])).toEqual(["request_timeout"]);
    await page.getByRole("radio", { name: "Last 7 days" }).check();
    await page.waitForURL(/range=7d/);
    expect(page.url()).toContain("reason=request_timeout");
    await page.reload();
    expect((await tableRows(page)).map((r) => r[4])).toEqual(["Request timeout"]);
    expect(await page.getByRole("radio", { name: "Last 7 days" }).isChecked()).toBe(true);
  });

  test("a link with a broken range or filter says what is wrong", async () => {
    await visit(page, `/channels/${channel.id}/webhook-errors?range=90d&reason=timeout`);
    const alert = page.getByRole("alert").filter({ hasText: "cannot be shown" });
    expect(await alert.textContent()).toContain('The range must be "24h"');
    const tsv = await page.request.get(url(`/api/channels/${channel.id}/webhook-errors/tsv?range=custom&from=2026-02-30T00:00&to=2026-03-01T00:00`));
    expect(tsv.status()).toBe(400);
    expect(await tsv.text()).toContain('"2026-02-30T00:00" is not a date and time');
  });

  test("a Tester gets 404 for the tab and its download", async () => {
    const { context: testerContext, page: testerPage } = await signInAt(tester.email, tester.password);
    expect((await visit(testerPage, `/channels/${channel.id}/webhook-errors`))?.status()).toBe(404);
    expect((await testerPage.request.get(url(`/api/channels/${channel.id}/webhook-errors/tsv`))).status()).toBe(404);
    expect((await testerPage.request.get(url(`/api/channels/${channel.id}/webhook-errors/stamp?since=0`))).status()).toBe(404);
    await testerContext.close();
  });
});
