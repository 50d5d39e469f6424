// bench/dispatch: webhook throughput of the product against a raw undici loop, measured in the
// same run against the same bot; isolation of a hanging bot; the 2-second deadline; peak RSS.
//   npm run bench:dispatch -- [--events 100000] [--channels 4] [--concurrency 16] [--worker]
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { Agent } from "undici";
import { signBody } from "../lib/webhook/signature";
import { buildTextMessageEvent } from "../lib/webhook/payload";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    channels: { type: "string", default: "4" },
    concurrency: { type: "string", default: "16" },
    "raw-requests": { type: "string", default: "50000" },
    "isolation-events": { type: "string", default: "1500" },
    "no-build": { type: "boolean", default: false },
    // Runs the dispatcher as a separate `npm run worker` process instead of inside the app.
    worker: { type: "boolean", default: false },
  },
});
const EVENTS = Number(values.events);
const CHANNELS = Number(values.channels);
const CONCURRENCY = Number(values.concurrency);
const RAW_REQUESTS = Number(values["raw-requests"]);
const ISOLATION_EVENTS = Number(values["isolation-events"]);
const root = path.resolve(import.meta.dirname, "..");
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

function line(label: string, value: string) {
  console.log(`  ${label.padEnd(44)} ${value}`);
}

async function startBots(): Promise<{ ok: string; hang: string }> {
  const bot = spawn(process.execPath, [path.join(root, "bench/bot.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(bot);
  const first = await new Promise<string>((resolve) => createInterface({ input: bot.stdout! }).once("line", resolve));
  const [, okPort, hangPort] = first.split(" ");
  return { ok: `http://127.0.0.1:${okPort}/callback`, hang: `http://127.0.0.1:${hangPort}/callback` };
}

/** The baseline: undici straight to the bot, same body, HMAC per request, same concurrency. */
async function rawLoop(url: string, requests: number, concurrency: number): Promise<number> {
  const agent = new Agent({ connections: concurrency, pipelining: 1 });
  const secret = "8c570fa6dd201bb328f1c1eac23a96d8";
  const target = new URL(url);
  let next = 0;
  const started = performance.now();
  async function lane() {
    while (next < requests) {
      next += 1;
      const event = buildTextMessageEvent({ userId: `U${"d".repeat(32)}`, text: "benchmark" });
      const body = JSON.stringify({ destination: `U${"e".repeat(32)}`, events: [event] });
      const response = await agent.request({
        origin: target.origin,
        path: target.pathname,
        method: "POST",
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "User-Agent": "LineBotWebhook/2.0",
          "x-line-signature": signBody(secret, body),
        },
        body,
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`raw loop got ${response.statusCode}`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return requests / seconds;
}

async function startApp(dataDir: string): Promise<{ base: string; app: ChildProcess }> {
  const port = 3900 + Math.floor(Math.random() * 90);
  // BENCH_APP_NODE_FLAGS, e.g. "--cpu-prof", profiles the app under load.
  const flags = (process.env.BENCH_APP_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const app = spawn(process.execPath, [...flags, path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: `file:${path.join(dataDir, "console.db")}`,
      ADMIN_PASSWORD: "bench-password",
      WEBHOOK_CHANNEL_CONCURRENCY: String(CONCURRENCY),
      NEXT_TELEMETRY_DISABLED: "1",
      DISPATCHER: values.worker ? "off" : "app",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(app);
  if (values.worker) {
    const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: `file:${path.join(dataDir, "console.db")}`,
        WEBHOOK_CHANNEL_CONCURRENCY: String(CONCURRENCY),
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(worker);
  }
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/login`)).status === 200) return { base, app };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the app did not start");
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmHWM:\s+(\d+) kB/)![1]) / 1024;
}

type Channel = { id: string; token: string };

async function main() {
  if (!values["no-build"] || !existsSync(path.join(root, ".next/BUILD_ID"))) {
    console.log("Building the app (next build)…");
    const build = spawn("npx", ["next", "build"], { cwd: root, stdio: "ignore" });
    const code = await new Promise((r) => build.once("exit", r));
    if (code !== 0) throw new Error("next build failed");
  }
  const bots = await startBots();
  console.log(`bench/dispatch · ${EVENTS} events · ${CHANNELS} channels × ${CONCURRENCY} in flight · Node ${process.version}`);

  // Baseline first, on a quiet machine.
  const rawRate = await rawLoop(bots.ok, RAW_REQUESTS, CHANNELS * CONCURRENCY);

  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-dispatch-"));
  const { base, app } = await startApp(dataDir);
  process.env.DATA_DIR = dataDir;
  process.env.DATABASE_URL = `file:${path.join(dataDir, "console.db")}`;
  const channels = await import("../lib/channels");
  const { db } = await import("../lib/db");
  const sqlite = new Database(path.join(dataDir, "console.db"), { readonly: true });
  const admin = await db().user.findFirstOrThrow();
  const provider = await db().provider.findFirstOrThrow();

  async function makeChannel(name: string, url: string): Promise<Channel> {
    const { id } = await channels.createChannel(admin.id, provider.id, { name, description: "", email: "" });
    await channels.updateWebhookUrl(admin.id, id, url);
    await channels.setWebhookSetting(admin.id, id, "useWebhook", true);
    await channels.setWebhookSetting(admin.id, id, "errorStatisticsAggregation", true);
    const { channelSecret } = await db().channel.findUniqueOrThrow({ where: { id } });
    const response = await fetch(`${base}/v2/oauth/accessToken`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: channelSecret }),
    });
    return { id, token: ((await response.json()) as { access_token: string }).access_token };
  }

  const countDone = sqlite.prepare(
    `SELECT count(*) FROM "WebhookEvent" WHERE "channelId" = ? AND "status" IN ('delivered', 'failed')`,
  ).pluck();

  /** Posts `perChannel` events to each channel through the script endpoint, 1,000 per request. */
  async function post(targets: Channel[], perChannel: number) {
    const userId = `U${"f".repeat(32)}`;
    const jobs: (() => Promise<void>)[] = [];
    for (const target of targets) {
      for (let sent = 0; sent < perChannel; sent += 1000) {
        const n = Math.min(1000, perChannel - sent);
        const body = JSON.stringify({
          events: Array.from({ length: n }, (_, i) => ({ type: "message", userId, text: `bench ${sent + i}` })),
        });
        jobs.push(async () => {
          const response = await fetch(`${base}/api/channels/${target.id}/events`, {
            method: "POST",
            headers: { Authorization: `Bearer ${target.token}`, "Content-Type": "application/json" },
            body,
          });
          if (response.status !== 202) throw new Error(`script endpoint answered ${response.status}`);
          await response.arrayBuffer();
        });
      }
    }
    // Interleave channels, two requests in flight.
    let i = 0;
    await Promise.all([0, 1].map(async () => {
      while (i < jobs.length) await jobs[i++]();
    }));
  }

  async function timeUntilDone(targets: Channel[], perChannel: number, started: number): Promise<Map<string, number>> {
    const finished = new Map<string, number>();
    while (finished.size < targets.length) {
      for (const t of targets) {
        if (!finished.has(t.id) && (countDone.get(t.id) as number) >= perChannel) {
          finished.set(t.id, (performance.now() - started) / 1000);
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return finished;
  }

  // Throughput: script endpoint → durable events → dispatcher → bot → attempts written.
  const targets = await Promise.all(Array.from({ length: CHANNELS }, (_, i) => makeChannel(`Bench ${i}`, bots.ok)));
  const perChannel = Math.floor(EVENTS / CHANNELS);
  const started = performance.now();
  await post(targets, perChannel);
  const ingestSeconds = (performance.now() - started) / 1000;
  const done = await timeUntilDone(targets, perChannel, started);
  const seconds = Math.max(...done.values());
  const productRate = (perChannel * CHANNELS) / seconds;
  const attempts = sqlite.prepare(`SELECT count(*) FROM "DeliveryAttempt" WHERE "success" = 1`).pluck().get() as number;
  const rss = peakRssMb(app.pid!);

  // Isolation: nine healthy channels with a tenth healthy, then with a tenth that hangs.
  async function nineHealthyRate(tenth: string, label: string) {
    const healthy = await Promise.all(Array.from({ length: 9 }, (_, i) => makeChannel(`${label} ${i}`, bots.ok)));
    const other = await makeChannel(`${label} tenth`, tenth);
    const t0 = performance.now();
    await post([...healthy, other], ISOLATION_EVENTS);
    const finished = await timeUntilDone(healthy, ISOLATION_EVENTS, t0);
    return { rate: (9 * ISOLATION_EVENTS) / Math.max(...finished.values()), other };
  }
  const allHealthy = await nineHealthyRate(bots.ok, "Control");
  const withHang = await nineHealthyRate(bots.hang, "Hang");

  // Deadline: the hanging channel's sends, as recorded.
  await new Promise((r) => setTimeout(r, 4500));
  const durations = (
    sqlite
      .prepare(`SELECT "durationMs" FROM "DeliveryAttempt" WHERE "channelId" = ? AND "reason" = 'request_timeout' ORDER BY "durationMs"`)
      .pluck()
      .all(withHang.other.id) as number[]
  );
  const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))];

  console.log("\nThroughput (events to a trivial local bot, attempts persisted)");
  line("raw undici loop (baseline, same run)", `${rawRate.toFixed(0)} requests/s`);
  line("product: script endpoint → dispatcher → bot", `${productRate.toFixed(0)} events/s (${(perChannel * CHANNELS)} in ${seconds.toFixed(2)} s)`);
  line("ratio (target ≥ 60%)", `${((productRate / rawRate) * 100).toFixed(1)}%`);
  line("of which accepting all events took", `${ingestSeconds.toFixed(2)} s`);
  line("attempts persisted", String(attempts));
  console.log("\nIsolation (10 channels, 9 healthy)");
  line("nine healthy, tenth healthy", `${allHealthy.rate.toFixed(0)} events/s`);
  line("nine healthy, tenth hangs", `${withHang.rate.toFixed(0)} events/s`);
  line("kept (target ≥ 90%)", `${((withHang.rate / allHealthy.rate) * 100).toFixed(1)}%`);
  console.log("\nDeadline (request_timeout as recorded)");
  line("sends timed out", String(durations.length));
  line("min / p50 / p99 / max", `${durations[0]} / ${pct(50)} / ${pct(99)} / ${durations.at(-1)} ms (target p99 ≤ 2050)`);
  console.log("\nMemory");
  line(`app peak RSS over the ${perChannel * CHANNELS}-event run`, `${rss.toFixed(0)} MB`);
  await db().$disconnect();
  app.kill("SIGTERM");
  await new Promise((r) => app.once("exit", r));
  process.exit(0);
}

await main();
