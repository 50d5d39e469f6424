import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

let browser: Browser;
let page: Page;
let failing: TestBot;
let setup: Awaited<ReturnType<typeof arrange>>;
let channel: { id: string };
let tester: { email: string; password: string };

beforeAll(async () => {
  setup = await arrange();
  failing = await startBot((_req, res) => void res.writeHead(503).end("Service Unavailable"));
  channel = await setup.channelFor("Notify journey", failing.url);
  const { joinChannel } = await import("../support/access");
  const email = "notify-tester@example.com";
  tester = { email, password: (await joinChannel(await setup.accessOf(setup.adminId, channel.id), email, "TESTER")).password };
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await failing?.close();
});

async function groupCount(): Promise<number> {
  const groups = await setup.db().notificationGroup.findMany({ where: { channelId: channel.id, kind: "error" } });
  return groups.reduce((sum, g) => sum + g.count, 0);
}

describe("error notification emails", () => {
  test("an Admin turns on Error notification in Basic settings, and it stays on", async () => {
    await visit(page, `/channels/${channel.id}/basic`);
    const toggle = page.getByRole("switch", { name: "Error notification", exact: true });
    expect(await toggle.getAttribute("aria-checked")).toBe("false");
    expect(await page.getByText("to every Admin").isVisible()).toBe(true);
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("true");
    await expect.poll(async () => (await setup.db().channel.findUniqueOrThrow({ where: { id: channel.id } })).errorNotification).toBe(true);
    await page.reload();
    expect(await page.getByRole("switch", { name: "Error notification", exact: true }).getAttribute("aria-checked")).toBe("true");
  });

  test("a failed webhook from the Simulator becomes an email in the Outbox", async () => {
    await visit(page, `/channels/${channel.id}/simulator`);
    await page.getByLabel("New user's display name").fill("Alice");
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByLabel("Message text").fill("hello bot");
    await page.getByRole("button", { name: "Send message" }).click();
    await expect.poll(groupCount, { timeout: 15_000 }).toBe(1);

    // Nobody waits 5 minutes in a test: the test process runs the notifier's pass with a clock
    // 6 minutes ahead, against the app's database.
    const { processDueNotifications } = await import("@/lib/notify/notifier");
    expect(await processDueNotifications(Date.now() + 6 * 60_000)).toBe(1);

    await visit(page, `/channels/${channel.id}/basic`);
    await page.getByRole("link", { name: "Outbox", exact: true }).click();
    await page.waitForURL(url(`/channels/${channel.id}/outbox`));
    const subject = "Messaging API: Your bot server returned no response or an error - Notify journey";
    const row = page.getByTestId("outbox-row").filter({ hasText: subject });
    await row.waitFor();
    expect(await row.textContent()).toContain("admin@example.com");
    // Without SMTP_URL the app's own notifier puts the message in the local outbox.
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId("outbox-status").first().textContent();
      }, { timeout: 15_000 })
      .toBe("In outbox");

    await page.getByRole("link", { name: subject }).click();
    const text = page.getByTestId("email-text");
    await text.waitFor();
    const body = (await text.textContent()) ?? "";
    expect(body).toContain(`Channel ID: ${channel.id}`);
    expect(body).toContain("Reason for error: error_status_code");
    expect(body).toContain("Detail for error: 503");
    expect(body).toContain("Error count: 1");
    expect(body).toMatch(/Time detected: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+9\)/);
    const frame = page.frameLocator('iframe[title="HTML version of the email"]');
    expect(await frame.getByText("Detail for error").isVisible()).toBe(true);
  });

  test("a Tester sees no Outbox: not in the navigation, and 404 at its address", async () => {
    const testerPage = await signIn(browser, tester.email, tester.password);
    await visit(testerPage, `/channels/${channel.id}/basic`);
    expect(await testerPage.getByRole("link", { name: "Outbox", exact: true }).count()).toBe(0);
    expect(await testerPage.getByRole("switch", { name: "Error notification", exact: true }).isDisabled()).toBe(true);
    const response = await visit(testerPage, `/channels/${channel.id}/outbox`);
    expect(response?.status()).toBe(404);
    await testerPage.context().close();
  });
});
