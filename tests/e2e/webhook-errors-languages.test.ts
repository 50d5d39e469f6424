import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { launchBrowser, url, visit } from "./browser";

// The app runs with TZ=America/Los_Angeles (global-setup) and the browser in London: the tab must
// still show UTC+9, in either language.
const BROWSER_ZONE = "Europe/London";
const USER = `U${"d".repeat(32)}`;

/** What a journey reads and clicks, in each of the console's languages. */
const LANGUAGES = [
  {
    name: "Japanese",
    browserLocale: "ja-JP",
    email: "メールアドレス",
    password: "パスワード",
    signIn: "ログイン",
    providers: "プロバイダー",
    tabs: "チャネル",
    useWebhook: "Webhookの利用",
    aggregation: "エラーの統計情報",
    errorsTab: "エラーの統計情報",
    zoneNote: "時刻はすべてUTC+9です。",
    dateColumn: "日付",
    explanation: "ボットサーバーが200番台ではなく、HTTPステータスコード500を返しました。",
    download: "TSVファイルをダウンロード",
  },
  {
    name: "English",
    browserLocale: "en-US",
    email: "Email address",
    password: "Password",
    signIn: "Sign in",
    providers: "Providers",
    tabs: "Channel",
    useWebhook: "Use webhook",
    aggregation: "Error statistics aggregation",
    errorsTab: "Webhook errors",
    zoneNote: "All times are UTC+9.",
    dateColumn: "Date",
    explanation: "The bot server answered with HTTP status code 500, not 2xx.",
    download: "Download TSV file",
  },
] as const;

let browser: Browser;
let failing: TestBot;
let setup: Awaited<ReturnType<typeof arrange>>;

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

beforeAll(async () => {
  setup = await arrange();
  failing = await startBot((_req, res) => void res.writeHead(500).end("Internal Server Error"));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await failing?.close();
});

describe.each(LANGUAGES)("the Webhook errors journey in $name", (words) => {
  let page: Page;
  let channelId: string;
  let token: string;

  beforeAll(async () => {
    const channels = await import("@/lib/console/channels");
    const { issueAccessToken } = await import("@/lib/console/tokens");
    const { joinChannel } = await import("../support/access");
    const provider = await setup.db().provider.findFirstOrThrow({ where: { createdById: setup.adminId } });
    // Use webhook and aggregation stay off: the journey turns them on.
    ({ id: channelId } = await channels.createChannel(setup.adminId, provider.id, { name: `${words.name} errors`, description: "", email: "" }));
    await channels.updateWebhookUrl(await setup.accessOf(setup.adminId, channelId), failing.url);
    token = (await issueAccessToken(await setup.accessOf(setup.adminId, channelId))).token;
    const email = `errors-${words.browserLocale.toLowerCase()}@example.com`;
    const { password } = await joinChannel(await setup.accessOf(setup.adminId, channelId), email, "ADMIN");

    // The browser asks for its language: nobody chose one, so the console follows Accept-Language.
    const context = await browser.newContext({ locale: words.browserLocale, timezoneId: BROWSER_ZONE, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await visit(page, "/login");
    await page.getByLabel(words.email).fill(email);
    await page.getByLabel(words.password).fill(password);
    await page.getByRole("button", { name: words.signIn }).click();
    await page.waitForURL(/\/providers$/);
    await page.getByRole("heading", { name: words.providers, exact: true }).waitFor();
  });

  test(`turns on 「${words.useWebhook}」 and 「${words.aggregation}」`, async () => {
    await visit(page, `/channels/${channelId}/messaging-api`);
    for (const name of [words.useWebhook, words.aggregation]) {
      const toggle = page.getByRole("switch", { name, exact: true });
      await expect.poll(() => toggle.isEnabled()).toBe(true);
      await toggle.click();
      await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("true");
    }
  });

  test("sees the chart and the rows in UTC+9 on the errors tab", async () => {
    const response = await fetch(url(`/api/channels/${channelId}/events`), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events: [{ type: "message", userId: USER, text: "hello" }] }),
    });
    expect(response.status).toBe(202);
    const sentAt = Date.now();
    const counted = async () => (await setup.db().errorStat.findMany({ where: { channelId } })).reduce((sum, r) => sum + r.count, 0);
    await expect.poll(counted, { timeout: 15_000 }).toBe(1);

    await page.getByRole("navigation", { name: words.tabs }).getByRole("link", { name: words.errorsTab }).click();
    await page.waitForURL(url(`/channels/${channelId}/webhook-errors`));
    await page.getByText(words.zoneNote).waitFor();
    expect(await page.getByTestId("total-errors").textContent()).toBe("1");

    const bars = page.locator(".we-chart .recharts-bar-rectangle");
    await expect.poll(() => bars.count()).toBeGreaterThanOrEqual(1);
    await bars.last().hover();
    const tooltip = page.locator(".we-tooltip");
    await tooltip.waitFor();
    // LINE's reason reads the same in every language.
    expect(await tooltip.textContent()).toContain("error_status_code");
    expect(await tooltip.textContent()).toContain("(UTC+9)");

    expect(await page.getByRole("columnheader", { name: words.dateColumn }).isVisible()).toBe(true);
    const rows = await tableRows(page);
    expect(rows.map((r) => r.slice(3))).toEqual([["error_status_code", "500", "1"]]);
    const [date, start] = rows[0];
    // Neither the server's Los Angeles nor the browser's London: UTC+9.
    expect([utc9Minute(sentAt), utc9Minute(sentAt - 60_000)]).toContain(`${date} ${start.slice(0, 5)}`);
    expect(await page.getByText(words.explanation).isVisible()).toBe(true);
  });

  test("downloads the TSV file with LINE's six column names and the table's rows", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: words.download }).click()]);
    const lines = (await readFile(await download.path(), "utf8")).split("\n");
    expect(lines[0]).toBe("Date\tStart\tEnd\tReason\tDetail\tErrors");
    expect(lines.slice(1, -1).map((line) => line.split("\t"))).toEqual(await tableRows(page));
  });
});

describe("the header's language switch", () => {
  test("changes the language at once, and the account keeps it in another browser", async () => {
    const { joinChannel } = await import("../support/access");
    const provider = await setup.db().provider.findFirstOrThrow({ where: { createdById: setup.adminId } });
    const { createChannel } = await import("@/lib/console/channels");
    const { id } = await createChannel(setup.adminId, provider.id, { name: "Switch bot", description: "", email: "" });
    const email = "switcher@example.com";
    const { password } = await joinChannel(await setup.accessOf(setup.adminId, id), email, "MEMBER");
    const signInEnglish = async () => {
      const context = await browser.newContext({ locale: "en-US" });
      const p = await context.newPage();
      await visit(p, "/login");
      await p.getByLabel("Email address").fill(email);
      await p.getByLabel("Password").fill(password);
      await p.getByRole("button", { name: "Sign in" }).click();
      await p.waitForURL(/\/providers$/);
      return p;
    };

    const first = await signInEnglish();
    await first.getByRole("heading", { name: "Providers" }).waitFor();
    await first.getByRole("combobox", { name: "Language" }).selectOption("ja");
    await first.getByRole("heading", { name: "プロバイダー", exact: true }).waitFor();
    expect(await first.locator("html").getAttribute("lang")).toBe("ja");

    // An English browser, signed in afresh: the account's choice wins over Accept-Language.
    const second = await signInEnglish();
    await second.getByRole("heading", { name: "プロバイダー", exact: true }).waitFor();
    expect(await setup.db().user.findUniqueOrThrow({ where: { email }, select: { locale: true } })).toEqual({ locale: "ja" });
    await second.context().close();
    await first.context().close();
  });
});
