import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { waitUntil } from "../support/wait";
import { launchBrowser, signIn, signOut, url, visit } from "./browser";

let browser: Browser;
let admin: Page;
const channel = { id: "", secret: "" };
const accounts: Record<string, string> = {};

/**
 * The Admin invites someone on the Roles tab and reads the one-time link the console shows; the
 * invitee opens it in a browser of their own, chooses a password and lands in the channel.
 */
async function addMember(email: string, role: "Admin" | "Member" | "Tester"): Promise<void> {
  await visit(admin, `/channels/${channel.id}/roles`);
  await admin.getByLabel("Email address to invite").fill(email);
  await admin.getByLabel("Role to give").selectOption({ label: role });
  await admin.getByRole("button", { name: "Invite" }).click();
  const link = admin.getByLabel("Invitation link");
  await link.waitFor();
  const invitation = await link.inputValue();
  const context = await browser.newContext();
  const page = await context.newPage();
  await visit(page, invitation);
  const password = `chosen passphrase of ${email}`;
  await page.getByLabel("New password").fill(password);
  await page.getByLabel("The same password again").fill(password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await page.waitForURL(new RegExp(`/channels/${channel.id}`));
  await context.close();
  accounts[email] = password;
  await visit(admin, `/channels/${channel.id}/roles`);
}

beforeAll(async () => {
  browser = await launchBrowser();
  const credentials = inject("admin");
  admin = await signIn(browser, credentials.email, credentials.password);
  // A channel of its own, made the way a user makes one, so other journeys' settings don't matter.
  await admin.getByRole("link", { name: "Demo provider" }).first().click();
  await admin.getByLabel("Channel name").fill("Roles bot");
  await admin.getByRole("button", { name: "Create channel" }).click();
  await admin.waitForURL(/\/channels\/\d{10}\/messaging-api$/);
  channel.id = admin.url().match(/channels\/(\d{10})/)![1];
  await visit(admin, `/channels/${channel.id}/basic`);
  channel.secret = (await admin.getByTestId("channel-secret").textContent()) ?? "";
  // The Tester's view is checked while aggregation is on, when an Admin would see Webhook errors.
  await visit(admin, `/channels/${channel.id}/messaging-api`);
  for (const name of ["Use webhook", "Error statistics aggregation"]) {
    const toggle = admin.getByRole("switch", { name, exact: true });
    await waitUntil(() => toggle.isEnabled());
    if ((await toggle.getAttribute("aria-checked")) === "false") await toggle.click();
    await waitUntil(async () => (await toggle.getAttribute("aria-checked")) === "true");
  }
});

afterAll(async () => {
  await browser?.close();
});

describe("roles", () => {
  test("the channel secret an Admin sees is the one that issues the channel's access tokens", async () => {
    const issue = (secret: string) =>
      fetch(url("/v2/oauth/accessToken"), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: channel.id, client_secret: secret }),
      });
    const issued = await issue(channel.secret);
    expect(issued.status).toBe(200);
    expect(await issued.json()).toMatchObject({ token_type: "Bearer", access_token: expect.any(String) });
    expect((await issue("0".repeat(32))).status).toBe(400);
  });

  test("an Admin adds a Tester and a Member; the last Admin cannot be removed", async () => {
    await addMember("tester@example.com", "Tester");
    await addMember("member@example.com", "Member");
    admin.once("dialog", (dialog) => dialog.accept());
    await admin.getByRole("button", { name: "Remove admin@example.com" }).click();
    await expect.poll(() => admin.locator("p[role=alert]").textContent()).toContain("last Admin");
  });

  test("a Tester sees neither the secret nor Webhook errors", async () => {
    const page = await signIn(browser, "tester@example.com", accounts["tester@example.com"]);
    await visit(page, `/channels/${channel.id}/basic`);
    expect(await page.getByText("Only Admins can see the channel secret.").isVisible()).toBe(true);
    expect(await page.content()).not.toContain(channel.secret);
    const nav = page.getByRole("navigation", { name: "Channel" });
    expect(await nav.getByRole("link", { name: "Messaging API" }).isVisible()).toBe(true);
    expect(await nav.getByText("Webhook errors").count()).toBe(0);

    await visit(page, `/channels/${channel.id}/messaging-api`);
    expect(await page.getByRole("switch", { name: "Use webhook" }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Edit" }).count()).toBe(0);

    const response = await visit(page, `/channels/${channel.id}/webhook-errors`);
    expect(response?.status()).toBe(404);
    await signOut(page);
  });

  test("a Member sees Webhook errors but not the secret, and cannot change settings", async () => {
    const page = await signIn(browser, "member@example.com", accounts["member@example.com"]);
    await visit(page, `/channels/${channel.id}/basic`);
    expect(await page.content()).not.toContain(channel.secret);
    const nav = page.getByRole("navigation", { name: "Channel" });
    expect(await nav.getByRole("link", { name: "Webhook errors" }).isVisible()).toBe(true);
    await visit(page, `/channels/${channel.id}/messaging-api`);
    expect(await page.getByRole("switch", { name: "Use webhook" }).isDisabled()).toBe(true);
    await signOut(page);
  });

  test("someone removed from the channel gets 404, not 403", async () => {
    await addMember("former@example.com", "Member");
    admin.once("dialog", (dialog) => dialog.accept());
    await admin.getByRole("button", { name: "Remove former@example.com" }).click();
    await expect.poll(() => admin.getByText("former@example.com").count()).toBe(0);

    const page = await signIn(browser, "former@example.com", accounts["former@example.com"]);
    for (const tab of ["basic", "messaging-api", "roles", "webhook-errors"]) {
      const response = await visit(page, `/channels/${channel.id}/${tab}`);
      expect(response?.status()).toBe(404);
    }
    expect(await page.content()).not.toContain("Roles bot");
  });

  test("a wrong password is refused with a message", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await visit(page, "/login");
    await page.getByLabel("Email address").fill("admin@example.com");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("p[role=alert]").textContent()).toContain("incorrect");
    const response = await visit(page, `/channels/${channel.id}/basic`);
    expect(response?.url()).toMatch(/\/login$/);
  });
});
