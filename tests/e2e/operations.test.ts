import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createScratchDatabase, dropScratchDatabase } from "../../scripts/db-check";
import { startBot, type TestBot } from "../support/bots";
import { isPostgresRun, testPostgresUrl } from "../support/database";
import { killHard, startWorker } from "../support/processes";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

const root = path.resolve(import.meta.dirname, "../..");
const USER = `U${"e".repeat(32)}`;
const METRICS_TOKEN = "metrics-token-for-the-test";

let browser: Browser;
let bot: TestBot;
let channel: { id: string; channelSecret: string };
let token: string;
const started: ChildProcess[] = [];

/** A metric's value in Prometheus text, or undefined when the line is not there. */
function metric(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A second app on a database of its own, with no dispatcher of its own (DISPATCHER=off). */
async function startAppWithoutDispatcher() {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "console-e2e-off-"));
  const databaseUrl = isPostgresRun()
    ? await createScratchDatabase(testPostgresUrl(), "console_e2e_off")
    : `file:${path.join(dataDir, "console.db")}`;
  const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl };
  const app = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      DISPATCHER: "off",
      METRICS_TOKEN,
      ADMIN_EMAIL: "ops@example.com",
      ADMIN_PASSWORD: "ops-password-e2e",
      NEXTAUTH_URL: baseUrl,
    },
    stdio: "ignore",
    detached: true,
  });
  started.push(app);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answered = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
    if (answered) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    env,
    async stop() {
      if (app.pid && app.exitCode === null) {
        const exited = new Promise((resolve) => app.once("exit", resolve));
        process.kill(-app.pid, "SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      if (isPostgresRun()) await dropScratchDatabase(databaseUrl);
    },
  };
}

beforeAll(async () => {
  const setup = await arrange();
  bot = await startBot();
  channel = await setup.channelFor("Operations bot", bot.url);
  const response = await fetch(url("/v2/oauth/accessToken"), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: channel.id, client_secret: channel.channelSecret }),
  });
  token = (await response.json()).access_token;
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const child of started) await killHard(child).catch(() => {});
  await browser?.close();
  await bot?.close();
});

describe("health and metrics of the running console", () => {
  test("/healthz answers, and /readyz is ready once its dispatcher beats", async () => {
    const health = await fetch(url("/healthz"));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    await expect.poll(async () => (await fetch(url("/readyz"))).status, { timeout: 15_000 }).toBe(200);
    expect(await (await fetch(url("/readyz"))).json()).toEqual({
      status: "ready",
      checks: { database: "ok", migrations: "ok", dispatcher: "ok" },
    });
  });

  test("/metrics counts accepted events and sends, and reads the backlog from the database", async () => {
    const before = await (await fetch(url("/metrics"))).text();
    const acceptedBefore = metric(before, 'line_console_events_accepted_total{origin="api"}') ?? 0;
    const sentBefore = metric(before, 'line_console_webhook_sends_total{reason="ok"}') ?? 0;
    const events = Array.from({ length: 5 }, (_, i) => ({ type: "message", userId: USER, text: `m${i}` }));
    const posted = await fetch(url(`/api/channels/${channel.id}/events`), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events }),
    });
    expect(posted.status).toBe(202);
    await expect.poll(() => bot.received.length, { timeout: 10_000 }).toBe(5);

    // Sends are counted on the dispatcher thread; /metrics adds them to the request thread's counts.
    await expect
      .poll(async () => metric(await (await fetch(url("/metrics"))).text(), 'line_console_webhook_sends_total{reason="ok"}'), {
        timeout: 10_000,
      })
      .toBe(sentBefore + 5);
    // The events stay in the backlog until their outcomes are written, a moment after the sends.
    await expect
      .poll(async () => metric(await (await fetch(url("/metrics"))).text(), "line_console_backlog_events"), { timeout: 10_000 })
      .toBe(0);
    const response = await fetch(url("/metrics"));
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(metric(text, 'line_console_events_accepted_total{origin="api"}')).toBe(acceptedBefore + 5);
    expect(metric(text, 'line_console_webhook_send_duration_seconds_count{reason="ok"}')).toBe(sentBefore + 5);
    expect(metric(text, "line_console_backlog_events")).toBe(0);
    expect(metric(text, "line_console_oldest_pending_age_seconds")).toBe(0);
    expect(metric(text, "line_console_redelivery_queue_events")).toBe(0);
    expect(metric(text, "line_console_dispatchers_alive")).toBeGreaterThanOrEqual(1);
    expect(metric(text, "line_console_emails_queued")).toBeGreaterThanOrEqual(0);
    expect(metric(text, "line_console_emails_failed")).toBe(0);
    expect(text).toContain("# TYPE line_console_pruned_rows_total counter");
  });

  test("a channel page shows that delivery is running", async () => {
    const admin = inject("admin");
    const page = await signIn(browser, admin.email, admin.password);
    await visit(page, `/channels/${channel.id}/basic`);
    expect(await page.getByTestId("delivery-status").textContent()).toBe("Delivery running · nothing waiting");
    await page.context().close();
  });

  test("without a fresh dispatcher heartbeat /readyz answers 503 and pages say delivery stopped", async () => {
    const app = await startAppWithoutDispatcher();
    try {
      const notReady = await fetch(`${app.baseUrl}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({
        status: "not ready",
        checks: { database: "ok", migrations: "ok", dispatcher: "no dispatcher heartbeat within 10 s" },
      });

      expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${app.baseUrl}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
      const metrics = await fetch(`${app.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(metrics.status).toBe(200);
      expect(metric(await metrics.text(), "line_console_dispatchers_alive")).toBe(0);

      // A separate worker process is a dispatcher too; once it is killed its heartbeat goes stale.
      const worker = startWorker(app.env, started);
      await expect.poll(async () => (await fetch(`${app.baseUrl}/readyz`)).status, { timeout: 20_000 }).toBe(200);
      await killHard(worker);
      await expect.poll(async () => (await fetch(`${app.baseUrl}/readyz`)).status, { timeout: 20_000, interval: 500 }).toBe(503);

      const page: Page = await (await browser.newContext()).newPage();
      await page.goto(`${app.baseUrl}/login`);
      await page.getByLabel("Email address").fill("ops@example.com");
      await page.getByLabel("Password").fill("ops-password-e2e");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/providers$/);
      await page.getByRole("link", { name: /Demo provider/ }).first().click();
      await page.getByRole("link", { name: /Demo bot/ }).first().click();
      const light = page.getByTestId("delivery-status");
      await light.waitFor();
      expect(await light.textContent()).toMatch(/^Delivery stopped since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+9\) · nothing waiting$/);
      await page.context().close();
    } finally {
      await app.stop();
    }
  }, 120_000);
});
