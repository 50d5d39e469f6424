import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { launchBrowser, signIn, signOut, url, visit } from "./browser";

// The console's Channel access token section, with the token checked by @line/bot-sdk as a
// script would use it.

const LABEL = "CI deploy";
let browser: Browser;
let admin: Page;
let bot: TestBot;
let channelId: string;
let token = "";
const accounts = { member: "tokens-member@example.com", tester: "tokens-tester@example.com" };
const passwords: Record<string, string> = {};

const settingsUrl = () => url(`/channels/${channelId}/messaging-api`);
const section = (page: Page) => page.getByRole("region", { name: "Channel access token" });
const tokenRows = (page: Page, label: string) => section(page).getByTestId("access-token").filter({ hasText: label });

function sdkClient(channelAccessToken: string) {
  return new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: inject("baseUrl") });
}

beforeAll(async () => {
  const setup = await arrange();
  const { joinChannel } = await import("../support/access");
  bot = await startBot();
  channelId = (await setup.channelFor("Token bot", bot.url)).id;
  for (const [role, email] of [
    ["MEMBER", accounts.member],
    ["TESTER", accounts.tester],
  ] as const) {
    passwords[email] = (await joinChannel(await setup.accessOf(setup.adminId, channelId), email, role)).password;
  }
  browser = await launchBrowser();
  const credentials = inject("admin");
  admin = await signIn(browser, credentials.email, credentials.password);
});

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

describe("channel access tokens in the console", () => {
  test("an Admin issues a long-lived token, shown once, and the SDK can use it", async () => {
    await visit(admin, settingsUrl());
    expect(await section(admin).getByText("No channel access token has been issued.").isVisible()).toBe(true);
    await section(admin).getByLabel("Token label").fill(LABEL);
    await section(admin).getByRole("button", { name: "Issue" }).click();
    const issued = admin.getByTestId("issued-token");
    await issued.waitFor();
    token = await issued.inputValue();
    expect(token.length).toBeGreaterThan(40);
    expect(await admin.getByText("it is shown only once").isVisible()).toBe(true);
    await expect.poll(() => tokenRows(admin, LABEL).count()).toBe(1);
    expect(await tokenRows(admin, LABEL).textContent()).toContain("Never (long-lived)");

    expect(await sdkClient(token).getWebhookEndpoint()).toEqual({ endpoint: bot.url, active: true });

    // Shown once: after a reload the list still names it, but the token itself is gone.
    await admin.reload();
    expect(await admin.getByTestId("issued-token").count()).toBe(0);
    expect(await tokenRows(admin, LABEL).count()).toBe(1);
    expect(await admin.content()).not.toContain(token);
  });

  test("a Member sees the list but can neither issue nor revoke", async () => {
    const page = await signIn(browser, accounts.member, passwords[accounts.member]);
    await visit(page, settingsUrl());
    expect(await tokenRows(page, LABEL).count()).toBe(1);
    expect(await section(page).getByRole("button", { name: "Issue" }).count()).toBe(0);
    expect(await section(page).getByRole("button", { name: /Revoke/ }).count()).toBe(0);
    expect(await section(page).getByText("Only an Admin of this channel can issue or revoke tokens.").isVisible()).toBe(true);
    await signOut(page);
  });

  test("a Tester sees nothing of the tokens", async () => {
    const page = await signIn(browser, accounts.tester, passwords[accounts.tester]);
    await visit(page, settingsUrl());
    await page.getByRole("heading", { name: "Webhook settings" }).waitFor();
    expect(await section(page).count()).toBe(0);
    expect(await page.getByText("Channel access token").count()).toBe(0);
    expect(await page.content()).not.toContain(LABEL);
    await signOut(page);
  });

  test("an Admin revokes the token: it leaves the list, and the SDK gets 401 at once", async () => {
    await visit(admin, settingsUrl());
    admin.once("dialog", (dialog) => dialog.accept());
    await section(admin).getByRole("button", { name: `Revoke ${LABEL}` }).click();
    await expect.poll(() => tokenRows(admin, LABEL).count()).toBe(0);

    const error = await sdkClient(token).getWebhookEndpoint().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPFetchError);
    expect((error as HTTPFetchError).status).toBe(401);
    expect(JSON.parse((error as HTTPFetchError).body).message).toContain("Authentication failed");
  });
});
