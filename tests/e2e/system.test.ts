import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { isPostgresRun } from "../support/database";
import { arrange } from "./arrange";
import { launchBrowser, signIn, visit } from "./browser";
import { formatUtc9Input } from "@/lib/statistics/utc9";

let browser: Browser;
let admin: Page;
let setup: Awaited<ReturnType<typeof arrange>>;
const member = { email: "system-member@example.com", password: "" };

beforeAll(async () => {
  setup = await arrange();
  const { createUser } = await import("@/lib/auth/users");
  const created = await createUser(member.email);
  member.password = created.password;
  // A Member of the demo channel and an Admin of nothing.
  await setup.db().channelMember.create({ data: { channelId: inject("demoChannel").id, userId: created.user.id, role: "MEMBER" } });
  browser = await launchBrowser();
  const credentials = inject("admin");
  admin = await signIn(browser, credentials.email, credentials.password);
});

afterAll(async () => {
  await browser?.close();
});

describe("the System page", () => {
  test("shows an Admin the database, the retention settings and the dispatchers alive", async () => {
    await admin.getByRole("link", { name: "System", exact: true }).click();
    await admin.waitForURL(/\/system$/);
    await admin.getByRole("heading", { name: "System" }).waitFor();
    expect(await admin.getByTestId("database-kind").textContent()).toBe(isPostgresRun() ? "PostgreSQL" : "SQLite");
    expect(await admin.getByTestId("retention-events").textContent()).toBe("14 days");
    expect(await admin.getByTestId("retention-error-statistics").textContent()).toBe("400 days");
    expect(await admin.getByTestId("retention-emails").textContent()).toBe("30 days");
    expect(await admin.getByTestId("email-queue").textContent()).toMatch(/^\d+ to send · 0 failed$/);
    expect(await admin.getByTestId("backlog").textContent()).toMatch(/events waiting/);
    const dispatchers = admin.getByTestId("dispatcher");
    expect(await dispatchers.count()).toBeGreaterThanOrEqual(1);
    expect(await dispatchers.filter({ hasText: "Alive" }).count()).toBeGreaterThanOrEqual(1);
    const tables = await admin.getByTestId("table-rows").allTextContents();
    expect(tables.some((row) => /^WebhookEvent\d/.test(row))).toBe(true);
    expect(tables.find((row) => row.startsWith("User"))).toMatch(/^User[2-9]$|^User\d{2,}$/);
  });

  test("is not there for someone who is an Admin of no channel", async () => {
    const page = await signIn(browser, member.email, member.password);
    expect(await page.getByRole("link", { name: "System", exact: true }).count()).toBe(0);
    const response = await visit(page, "/system");
    expect(response?.status()).toBe(404);
    await page.context().close();
  });

  test("the Webhook errors tab shades the time before the retention window as not kept", async () => {
    const channel = await setup.channelFor("Retention view", "http://127.0.0.1:9/", { aggregation: true });
    const day = 24 * 60 * 60 * 1000;
    const base = `/channels/${channel.id}/webhook-errors?range=custom`;
    await visit(admin, `${base}&from=${formatUtc9Input(Date.now() - 420 * day)}&to=${formatUtc9Input(Date.now() - 380 * day)}`);
    const note = admin.getByTestId("not-kept-note");
    expect(await note.textContent()).toContain("Error statistics are kept for 400 days");
    await visit(admin, `${base}&from=${formatUtc9Input(Date.now() - 10 * day)}&to=${formatUtc9Input(Date.now() - 5 * day)}`);
    await admin.getByRole("heading", { name: "Webhook errors" }).waitFor();
    expect(await admin.getByTestId("not-kept-note").count()).toBe(0);
  });
});
