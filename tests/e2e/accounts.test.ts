import { spawnSync } from "node:child_process";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

let browser: Browser;
let setup: Awaited<ReturnType<typeof arrange>>;
let admin: Page;
let channelId: string;
const contexts: BrowserContext[] = [];

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** The Admin invites `email` on the Roles tab; returns the notice's text and the link it shows. */
async function invite(email: string, role = "Member"): Promise<{ notice: string; link: string }> {
  await visit(admin, `/channels/${channelId}/roles`);
  await admin.getByLabel("Email address to invite").fill(email);
  await admin.getByLabel("Role to give").selectOption({ label: role });
  await admin.getByRole("button", { name: "Invite" }).click();
  const created = admin.getByTestId("invitation-created");
  await created.waitFor();
  const link = await admin.getByLabel("Invitation link").inputValue();
  return { notice: (await created.textContent()) ?? "", link };
}

/** Whether a page of the console still lets this browser in (a session that ended is sent to sign in). */
async function signedIn(page: Page): Promise<boolean> {
  const response = await visit(page, "/account");
  return !response?.url().endsWith("/login");
}

async function signInOnce(page: Page, email: string, password: string): Promise<string | null> {
  await visit(page, "/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const outcome = await Promise.race([
    page.waitForURL(/\/providers$/).then(() => null),
    page.locator("p[role=alert]").waitFor().then(() => page.locator("p[role=alert]").textContent()),
  ]);
  return outcome;
}

beforeAll(async () => {
  setup = await arrange();
  channelId = (await setup.channelFor("Accounts bot", "http://127.0.0.1:9/callback")).id;
  const { createUser } = await import("@/lib/auth/users");
  await createUser("already-here@example.com", "an existing passphrase");
  browser = await launchBrowser();
  const credentials = inject("admin");
  admin = await signIn(browser, credentials.email, credentials.password);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

describe("invitations", () => {
  test("inviting a new address and an existing account looks the same to the Admin, in the tab and in the Outbox", async () => {
    const fresh = await invite("newcomer@example.com");
    const known = await invite("already-here@example.com");
    const shape = (notice: string, email: string) =>
      notice.replace(email, "<email>").replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, "<time>");
    expect(shape(fresh.notice, "newcomer@example.com")).toBe(shape(known.notice, "already-here@example.com"));
    expect(fresh.notice).toContain("shown only now");
    const pending = admin.getByTestId("invitations");
    await expect.poll(() => pending.textContent()).toContain("already-here@example.com");
    expect(await pending.textContent()).toContain("newcomer@example.com");
    // Until the invitee chooses one, no password exists for the new address.
    expect(await setup.db().user.findUnique({ where: { email: "newcomer@example.com" } })).toBeNull();

    await visit(admin, `/channels/${channelId}/outbox`);
    const subjects = await admin.getByRole("row").allTextContents();
    expect(subjects.filter((row) => row.includes('You are invited to the channel "Accounts bot"'))).toHaveLength(2);
  });

  test("the invitee chooses their own password through the link, which works once", async () => {
    const { link } = await invite("chooser@example.com", "Tester");
    const page = await freshPage();
    await visit(page, link);
    expect(await page.getByText("invited chooser@example.com to the channel Accounts bot as Tester").isVisible()).toBe(true);
    await page.getByLabel("New password").fill("chooser@example.com");
    await page.getByLabel("The same password again").fill("chooser@example.com");
    await page.getByRole("button", { name: "Create account and join" }).click();
    await expect.poll(() => page.locator("p[role=alert]").textContent()).toBe("Choose a password that is not your email address.");
    expect(await setup.db().user.findUnique({ where: { email: "chooser@example.com" } })).toBeNull();

    await page.getByLabel("New password").fill("my own good passphrase");
    await page.getByLabel("The same password again").fill("my own good passphrase");
    await page.getByRole("button", { name: "Create account and join" }).click();
    await page.waitForURL(new RegExp(`/channels/${channelId}`));

    const again = await freshPage();
    await visit(again, link);
    expect(await again.locator("p[role=alert]").textContent()).toContain("expired or was already used");
    expect(await signInOnce(again, "chooser@example.com", "my own good passphrase")).toBeNull();
  });

  test("an existing account signs in to accept, and its password is not touched", async () => {
    const { link } = await invite("already-here@example.com", "Member");
    const page = await freshPage();
    await visit(page, link);
    expect(await page.getByLabel("New password").count()).toBe(0);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email address").fill("already-here@example.com");
    await page.getByLabel("Password").fill("an existing passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/invite\//);
    await page.getByRole("button", { name: "Accept the invitation" }).click();
    await page.waitForURL(new RegExp(`/channels/${channelId}`));
    await visit(page, "/account");
    expect(await page.getByTestId("my-channels").textContent()).toContain("Accounts bot");
  });
});

describe("the Account page", () => {
  const email = "owner-of-sessions@example.com";
  let password = "first chosen passphrase";

  beforeAll(async () => {
    const { createUser } = await import("@/lib/auth/users");
    await createUser(email, password);
  });

  test("changing the password needs the current one, follows the rules and ends the other sessions", async () => {
    const here = await signIn(browser, email, password);
    const elsewhere = await signIn(browser, email, password);
    await visit(here, "/account");
    const change = async (current: string, next: string, again = next) => {
      await here.getByLabel("Current password").fill(current);
      await here.getByLabel("New password", { exact: true }).fill(next);
      await here.getByLabel("The same new password again").fill(again);
      await here.getByRole("button", { name: "Change password" }).click();
    };
    await change("not the current one", "second chosen passphrase");
    await expect.poll(() => here.locator("p[role=alert]").textContent()).toBe("The current password is not right.");
    await change(password, "password1234");
    await expect.poll(() => here.locator("p[role=alert]").textContent()).toBe("This password is one of the most common ones. Choose another.");
    await change(password, "second chosen passphrase");
    await expect.poll(() => here.locator("p[role=status]").textContent()).toContain("Every other session of this account was signed out.");
    password = "second chosen passphrase";

    expect(await signedIn(elsewhere)).toBe(false);
    expect(await signedIn(here)).toBe(true);
    const page = await freshPage();
    expect(await signInOnce(page, email, "first chosen passphrase")).toBe("The email address or password is incorrect.");
    expect(await signInOnce(page, email, password)).toBeNull();
  });

  test("Sign out everywhere else ends every other session at once and keeps this one", async () => {
    const here = await signIn(browser, email, password);
    const others = [await signIn(browser, email, password), await signIn(browser, email, password)];
    await visit(here, "/account");
    here.once("dialog", (dialog) => dialog.accept());
    await here.getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect.poll(() => here.locator("p[role=status]").textContent()).toContain("This one goes on.");
    for (const other of others) expect(await signedIn(other)).toBe(false);
    expect(await signedIn(here)).toBe(true);
    // A request carrying an ended session's cookie is refused by the server, not just by the page.
    const cookies = await others[0].context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const response = await fetch(url(`/api/channels/${channelId}/webhook-errors/tsv`), { headers: { cookie } });
    expect(response.status).toBe(401);
  });

  test("lists the channels one belongs to", async () => {
    const page = await signIn(browser, inject("admin").email, inject("admin").password);
    await visit(page, "/account");
    const channels = await page.getByTestId("my-channels").textContent();
    expect(channels).toContain("Demo bot");
    expect(channels).toContain("Accounts bot");
  });
});

describe("a forgotten password", () => {
  test("npm run reset-password prints a single-use link that sets a new password and ends every session", async () => {
    const email = "forgot@example.com";
    const { createUser } = await import("@/lib/auth/users");
    await createUser(email, "the forgotten passphrase");
    const old = await signIn(browser, email, "the forgotten passphrase");
    const root = path.resolve(import.meta.dirname, "../..");
    const run = (address: string) =>
      spawnSync("npm", ["run", "-s", "reset-password", "--", address], {
        cwd: root,
        env: { ...process.env, DATA_DIR: inject("dataDir"), DATABASE_URL: inject("databaseUrl"), CONSOLE_URL: inject("baseUrl") },
        encoding: "utf8",
      });
    const unknown = run("nobody-at-all@example.com");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("No account uses nobody-at-all@example.com.");
    const made = run(email);
    expect(made.status, made.stderr).toBe(0);
    const link = made.stdout.match(/https?:\/\/\S+\/reset\/\S+/)?.[0];
    expect(link?.startsWith(inject("baseUrl"))).toBe(true);

    const page = await freshPage();
    await visit(page, link!);
    await page.getByLabel("New password").fill("a remembered passphrase");
    await page.getByLabel("The same password again").fill("a remembered passphrase");
    await page.getByRole("button", { name: "Save and sign in" }).click();
    await page.waitForURL(/\/providers$/);
    expect(await signedIn(old)).toBe(false);
    await visit(page, link!);
    expect(await page.locator("p[role=alert]").textContent()).toContain("expired or was already used");
  });
});

describe("guessing a password", () => {
  test("after five wrong passwords the sign-in form says how long to wait, and the right one is not checked meanwhile", async () => {
    const { createUser } = await import("@/lib/auth/users");
    await createUser("guessed-in-browser@example.com", "the real passphrase");
    const page = await freshPage();
    for (let i = 0; i < 5; i++) {
      expect(await signInOnce(page, "guessed-in-browser@example.com", `guess number ${i}`)).toBe("The email address or password is incorrect.");
    }
    // At once, on the same form: the first wait is a second long, less than a fresh visit may take.
    await page.getByLabel("Password").fill("the real passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.locator("p[role=alert]").textContent(), { timeout: 10_000 })
      .toMatch(/^Too many failed sign-ins for this account\. Wait \d+ seconds?, then try again\.$/);
    expect(page.url()).toMatch(/\/login/);
  });
});
