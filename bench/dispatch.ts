// bench/dispatch: webhook throughput of the product against a raw undici loop, measured in the
// same run against the same bot; whether every event arrived exactly once; isolation of a hanging
// bot; the 2-second deadline; peak RSS. On a SQLite file or a scratch PostgreSQL database.
//   npm run bench:dispatch -- [--events 100000] [--channels 4] [--concurrency 16] [--rounds 3]
//                             [--db sqlite|postgres] [--workers 1,2,4 | --worker] [--threads 1]
//                             [--prune] [--prune-events 300000]
// Each count is measured --rounds times on the same app, each round on channels of its own and
// right after a raw loop run of its own: a round's "% of raw" compares two runs a few seconds
// apart, which a shared machine's drifting speed affects alike. Round 1 meets the app cold, as
// the raw loop's warm-up run does; the median round counts.
// Without --workers the dispatcher runs in the app (--worker: in one `npm run worker` process).
// --workers measures each count on reset events, with the app restarted on DISPATCHER=off next to
// that many worker processes (0: the dispatcher in the app): end to end (the workers run while the
// events are accepted, as the app's dispatcher does) and drain (every event accepted first, then
// the workers start). Isolation and the deadline are measured with the last count. PostgreSQL
// databases are made on BENCH_POSTGRES_URL (default: the local server) and dropped at the end.
// --prune seeds --prune-events delivered events of a channel of their own, a month old, before each
// dispatcher setup's first round, and runs pruning (as the product's background pruner does, on a
// connection of its own) during every measured run: compare its "% of raw" with a run without it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Agent } from "undici";
import { signBody } from "../lib/webhook/signature";
import { buildTextMessageEvent } from "../lib/webhook/payload";
import { openPostgresBenchDatabase, openSqliteBenchDatabase, type BenchDatabase, type DeliveryCounts } from "./delivery-database";
import { watchCpu } from "./cpu";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-postgres";
import type { PruneStore } from "../lib/retention/prune-store";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    channels: { type: "string", default: "4" },
    concurrency: { type: "string", default: "16" },
    "raw-requests": { type: "string", default: "50000" },
    rounds: { type: "string", default: "3" },
    "isolation-events": { type: "string", default: "1500" },
    "no-build": { type: "boolean", default: false },
    db: { type: "string", default: "sqlite" },
    // Runs the dispatcher as a separate `npm run worker` process instead of inside the app.
    worker: { type: "boolean", default: false },
    workers: { type: "string" },
    // WEBHOOK_DISPATCH_THREADS of the app's dispatcher (without --workers).
    threads: { type: "string", default: "1" },
    prune: { type: "boolean", default: false },
    "prune-events": { type: "string", default: "300000" },
  },
});
const EVENTS = Number(values.events);
const CHANNELS = Number(values.channels);
const CONCURRENCY = Number(values.concurrency);
const RAW_REQUESTS = Number(values["raw-requests"]);
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a whole number from 1, not "${values.rounds}"`);
const ISOLATION_EVENTS = Number(values["isolation-events"]);
if (values.db !== "sqlite" && values.db !== "postgres") throw new Error(`--db must be sqlite or postgres, not "${values.db}"`);
const DB_KIND = values.db;
/** Worker processes per throughput run; 0 runs the dispatcher in the app. */
const WORKER_COUNTS = values.workers ? values.workers.split(",").map(Number) : [values.worker ? 1 : 0];
if (WORKER_COUNTS.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--workers takes counts like 1,2,4, not "${values.workers}"`);
// Each channel is held by one dispatcher at a time: a worker without a channel would idle.
if (Math.max(...WORKER_COUNTS) > CHANNELS) throw new Error(`--channels (${CHANNELS}) must be at least the largest --workers count`);

const PRUNE = values.prune;
const PRUNE_EVENTS = Number(values["prune-events"]);
if (!Number.isInteger(PRUNE_EVENTS) || PRUNE_EVENTS < 1) throw new Error(`--prune-events must be a whole number from 1, not "${values["prune-events"]}"`);
/** How old the seeded events are: past the default retention of 14 days. */
const PRUNED_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** How long a run may go without an event sent or finished before the bench gives up on it. */
const STALL_SECONDS = 60;

const root = path.resolve(import.meta.dirname, "..");
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

function line(label: string, value: string) {
  console.log(`  ${label.padEnd(44)} ${value}`);
}

/** Prints rows as columns, the first aligned left and the others right. */
function table(rows: string[][]) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("   ")}`);
}

type BotStats = { received: number; distinct: number; duplicates: number };
type Bots = { pid: number; ok: string; hang: string; stats: (reset: boolean) => Promise<BotStats> };

async function startBots(): Promise<Bots> {
  const bot = spawn(process.execPath, [path.join(root, "bench/bot.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(bot);
  const first = await new Promise<string>((resolve) => createInterface({ input: bot.stdout! }).once("line", resolve));
  const [, okPort, hangPort] = first.split(" ");
  return {
    pid: bot.pid!,
    ok: `http://127.0.0.1:${okPort}/callback`,
    hang: `http://127.0.0.1:${hangPort}/callback`,
    stats: async (reset) => (await fetch(`http://127.0.0.1:${okPort}/stats${reset ? "?reset" : ""}`)).json() as Promise<BotStats>,
  };
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

/** The app and the worker processes dispatching for it. */
type Product = { base: string; app: ChildProcess; workers: ChildProcess[]; env: NodeJS.ProcessEnv };

// BENCH_APP_NODE_FLAGS and BENCH_WORKER_NODE_FLAGS, e.g. "--cpu-prof", profile them under load;
// BENCH_APP_STDOUT=1 lets the app's output through, such as what "--trace-gc" prints.
const nodeFlags = (name: string) => (process.env[name] ?? "").split(" ").filter(Boolean);

/** Starts the app, with the dispatcher in it or on DISPATCHER=off for separate workers. */
async function startApp(dataDir: string, databaseUrl: string, dispatcherInApp: boolean): Promise<Product> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    WEBHOOK_CHANNEL_CONCURRENCY: String(CONCURRENCY),
    WEBHOOK_DISPATCH_THREADS: values.threads,
  };
  // As `npm start` runs it, with its memory settings.
  const app = spawn(
    "sh",
    [path.join(root, "scripts/start.sh"), "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      env: {
        ...env,
        APP_NODE_FLAGS: nodeFlags("BENCH_APP_NODE_FLAGS").join(" "),
        ADMIN_PASSWORD: "bench-password",
        NEXT_TELEMETRY_DISABLED: "1",
        DISPATCHER: dispatcherInApp ? "app" : "off",
      },
      stdio: ["ignore", process.env.BENCH_APP_STDOUT ? "inherit" : "ignore", "inherit"],
    },
  );
  children.push(app);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/login`)).status === 200) return { base, app, workers: [], env };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the app did not start");
}

/** Starts `count` worker processes (`npm run worker`) and waits until each dispatches. */
async function startWorkers(product: Product, count: number): Promise<void> {
  const started = Array.from({ length: count }, () => {
    const worker = spawn(process.execPath, [...nodeFlags("BENCH_WORKER_NODE_FLAGS"), "--import", "tsx", "scripts/worker.ts"], {
      cwd: root,
      env: product.env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(worker);
    product.workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      worker.once("exit", (code) => reject(new Error(`a worker exited with ${code} before it was ready`)));
      createInterface({ input: worker.stdout! }).on("line", (text) => {
        if (text.includes("dispatching webhooks")) resolve();
        // A worker's warnings and errors (pino levels 40 and up) are the bench's to show.
        else if (/"level":[4-6]\d/.test(text)) console.error(`  worker ${worker.pid}: ${text}`);
      });
    });
  });
  await Promise.all(started);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Stops the workers, which give up their channels and finish their sends in flight. */
async function stopWorkers(product: Product): Promise<void> {
  await Promise.all(product.workers.splice(0).map(stopChild));
}

async function stopProduct(product: Product): Promise<void> {
  await stopWorkers(product);
  await stopChild(product.app);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmHWM:\s+(\d+) kB/)![1]) / 1024;
}

type Channel = { id: string; token: string };

/** One throughput measurement: from a step that sets the run going until every event is finished. */
type Measurement = {
  events: number;
  seconds: number;
  /** How long the step took: accepting the events, or starting the workers. */
  stepSeconds: number;
  counts: DeliveryCounts;
  bot: BotStats;
  /** The channels each dispatcher held, as seen most often while the run went on. */
  split: string;
  appRssMb: number;
  workerRssMb: number[];
  /** CPU seconds by role over the run. */
  cpu: Map<string, number>;
  /** With --prune: the rows pruning deleted during the run, and for how many seconds of it it had rows to delete. */
  pruned?: { rows: number; seconds: number };
};

/** A worker count's figures, in one round. */
type Run = {
  workers: number;
  round: number;
  /** The raw loop, run just before this round. */
  rawRate: number;
  /** CPU seconds the app and its workers used while that raw loop ran. */
  productCpuDuringRaw: number;
  /** The dispatchers run while the events are accepted (the app's or the workers). */
  endToEnd: Measurement;
  /** Accepting the events with no dispatcher running, in seconds. */
  acceptSeconds?: number;
  /** The workers start once every event is accepted. */
  drain?: Measurement;
};

function isExactlyOnce({ counts, bot, events }: Measurement): boolean {
  return (
    counts.events === events &&
    counts.deliveredOnce === events &&
    counts.attempts === events &&
    counts.distinctDelivered === events &&
    bot.received === events &&
    bot.distinct === events &&
    bot.duplicates === 0
  );
}

const dispatcherLabel = (workers: number) =>
  workers === 0 ? `in the app (${values.threads} thread${values.threads === "1" ? "" : "s"})` : `${workers} worker${workers > 1 ? "s" : ""}`;
const roundLabel = (run: Pick<Run, "workers" | "round">) => `${dispatcherLabel(run.workers)}, round ${run.round}`;

async function main() {
  if (!values["no-build"] || !existsSync(path.join(root, ".next/BUILD_ID"))) {
    console.log("Building the app (next build)…");
    const build = spawn("npx", ["next", "build"], { cwd: root, stdio: "ignore" });
    const code = await new Promise((r) => build.once("exit", r));
    if (code !== 0) throw new Error("next build failed");
  }
  const bots = await startBots();
  console.log(
    `bench/dispatch · ${DB_KIND} · ${EVENTS} events · ${CHANNELS} channels × ${CONCURRENCY} in flight · ` +
      `${availableParallelism()} cores (load ${loadavg()[0].toFixed(1)}) · Node ${process.version}`,
  );

  // Baseline first, on a quiet machine: a warm-up run (the bot's and this process's code get
  // compiled), then three measured runs, of which the median counts.
  await rawLoop(bots.ok, Math.min(RAW_REQUESTS, 20_000), CHANNELS * CONCURRENCY);
  const stopRawCpu = watchCpu(() => ({ trees: { bench: [process.pid], bot: [bots.pid] } }));
  const rawStarted = performance.now();
  const rawRates: number[] = [];
  for (let i = 0; i < 3; i++) rawRates.push(await rawLoop(bots.ok, RAW_REQUESTS, CHANNELS * CONCURRENCY));
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  const rawCpu = stopRawCpu();
  const rawRate = [...rawRates].sort((a, b) => a - b)[1];

  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-dispatch-"));
  const sqliteFile = path.join(dataDir, "console.db");
  let scratch: ScratchDatabase | undefined;
  let bench: BenchDatabase | undefined;
  let product: Product | undefined;
  try {
    scratch = DB_KIND === "postgres" ? await createScratchDatabase("bench_dispatch") : undefined;
    const databaseUrl = scratch?.url ?? `file:${sqliteFile}`;
    process.env.DATA_DIR = dataDir;
    process.env.DATABASE_URL = databaseUrl;
    const channels = await import("../lib/console/channels");
    const { db } = await import("../lib/db");
    const pruner = await import("../lib/retention/pruner");
    const { retentionSettings } = await import("../lib/retention/settings");
    // Opened at the first measured run: the app makes the database's tables when it starts.
    let pruneStore: PruneStore | undefined;

    async function makeChannel(base: string, name: string, url: string): Promise<Channel> {
      const admin = await db().user.findFirstOrThrow();
      const provider = await db().provider.findFirstOrThrow();
      const { id } = await channels.createChannel(admin.id, provider.id, { name, description: "", email: "" });
      const access = await channels.getChannelAccess(admin, id);
      await channels.updateWebhookUrl(access, url);
      await channels.setWebhookSetting(access, "useWebhook", true);
      await channels.setWebhookSetting(access, "errorStatisticsAggregation", true);
      const { channelSecret } = await db().channel.findUniqueOrThrow({ where: { id } });
      const response = await fetch(`${base}/v2/oauth/accessToken`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: channelSecret }),
      });
      return { id, token: ((await response.json()) as { access_token: string }).access_token };
    }

    /** Posts `perChannel` events to each channel through the script endpoint, 1,000 per request. */
    async function post(base: string, targets: Channel[], perChannel: number) {
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

    /**
     * Seconds from `started` until the channels' `expected` events (all posted) are finished. The
     * bot's count is asked first, because it costs the database nothing; the database is asked
     * only for the last outcomes, still being written when the bot has had every event. A run in
     * which nothing moves for STALL_SECONDS ends the bench with an error instead of waiting on.
     */
    async function timeUntilDone(targets: Channel[], expected: number, started: number): Promise<number> {
      let movedAt = performance.now();
      const pause = (what: string) => {
        if (performance.now() - movedAt > STALL_SECONDS * 1000) throw new Error(`${what} for ${STALL_SECONDS} s: is a dispatcher running?`);
        return new Promise((r) => setTimeout(r, 20));
      };
      let received = 0;
      for (;;) {
        const now = (await bots.stats(false)).received;
        if (now >= expected) break;
        if (now > received) {
          received = now;
          movedAt = performance.now();
        }
        await pause(`the bot got ${now} of ${expected} events and nothing more`);
      }
      movedAt = performance.now();
      for (const t of targets) {
        while (await bench!.hasUnfinishedEvents(t.id)) await pause("the bot had every event but their outcomes were not written");
      }
      return (performance.now() - started) / 1000;
    }

    /**
     * Notes how the dispatchers split the channels, every 250 ms, until stopped; returns the split
     * seen most often ("2+2": two dispatchers holding two channels each) and how often it was seen.
     */
    function watchSplits(): () => string {
      const seen = new Map<string, number>();
      const timer = setInterval(() => {
        void bench!.channelSplit(Date.now()).then(
          (split) => {
            const text = split.join("+") || "none";
            seen.set(text, (seen.get(text) ?? 0) + 1);
          },
          // A sample is only a sample: one that fails (the database busy, or closed) is left out.
          () => {},
        );
      }, 250);
      return () => {
        clearInterval(timer);
        const samples = [...seen.values()].reduce((a, b) => a + b, 0);
        const [split, times] = [...seen].sort((a, b) => b[1] - a[1])[0] ?? ["-", 0];
        return samples === 0 ? "-" : `${split} (${((times / samples) * 100).toFixed(0)}%)`;
      };
    }

    /** Times `step` and what follows it until every posted event is finished. */
    async function measure(running: Product, step: () => Promise<void>): Promise<Measurement> {
      await bots.stats(true);
      const stopWatching = watchSplits();
      const stopCpu = watchCpu(() => ({
        trees: { app: [running.app.pid!], workers: running.workers.map((w) => w.pid!), bot: [bots.pid], bench: [process.pid] },
        postgresDatabase: scratch?.name,
      }));
      const stopPruning = new AbortController();
      const started = performance.now();
      const pruning = PRUNE
        ? pruner.pruneOnce((pruneStore ??= pruner.openPruneStore()), retentionSettings(), Date.now(), { signal: stopPruning.signal }).then((counts) => ({
            rows: counts.events + counts.attempts,
            seconds: (performance.now() - started) / 1000,
          }))
        : undefined;
      let stepSeconds: number;
      let seconds: number;
      let split: string;
      let cpu: Map<string, number>;
      try {
        await step();
        stepSeconds = (performance.now() - started) / 1000;
        seconds = await timeUntilDone(targets, perChannel * CHANNELS, started);
      } finally {
        // Also when the run fails: a timer left running would query a database closed meanwhile,
        // and its error would end the bench before the run's own.
        stopPruning.abort();
        split = stopWatching();
        cpu = stopCpu();
      }
      const pruned = await pruning;
      return {
        pruned,
        events: perChannel * CHANNELS,
        seconds,
        stepSeconds,
        split,
        cpu,
        counts: await bench!.countDeliveries(targets.map((t) => t.id)),
        bot: await bots.stats(true),
        appRssMb: peakRssMb(running.app.pid!),
        workerRssMb: running.workers.map((w) => peakRssMb(w.pid!)),
      };
    }

    // Throughput: script endpoint → durable events → dispatcher(s) → bot → attempts written.
    const runs: Run[] = [];
    let targets: Channel[] = [];
    const perChannel = Math.floor(EVENTS / CHANNELS);
    for (const workers of WORKER_COUNTS) for (let round = 1; round <= ROUNDS; round++) {
      if (product && round === 1) {
        await stopProduct(product);
        await bench!.resetDelivery();
        product = undefined;
      }
      const current = product ?? (await startApp(dataDir, databaseUrl, workers === 0));
      product = current;
      bench ??= scratch ? openPostgresBenchDatabase(scratch.url) : openSqliteBenchDatabase(sqliteFile);
      targets = await Promise.all(
        Array.from({ length: CHANNELS }, (_, i) => makeChannel(current.base, `Bench ${workers}.${round}.${i}`, bots.ok)),
      );
      if (PRUNE && round === 1) {
        const old = await makeChannel(current.base, `Pruned ${workers}`, bots.ok);
        await bench.seedFinishedEvents(old.id, PRUNE_EVENTS, Date.now() - PRUNED_AGE_MS);
      }
      // End to end: the dispatchers are running when the events come in.
      await startWorkers(current, workers);
      // The product finishes what the last round left it (checkpoints, collections) before the raw
      // loop runs; the CPU it uses during the raw loop anyway is printed next to it.
      if (round > 1) await new Promise((r) => setTimeout(r, 3000));
      const stopIdleCpu = watchCpu(() => ({ trees: { product: [current.app.pid!, ...current.workers.map((w) => w.pid!)] } }));
      const rawRate = await rawLoop(bots.ok, RAW_REQUESTS, CHANNELS * CONCURRENCY);
      const productCpuDuringRaw = stopIdleCpu().get("product") ?? 0;
      const run: Run = {
        workers,
        round,
        rawRate,
        productCpuDuringRaw,
        endToEnd: await measure(current, () => post(current.base, targets, perChannel)),
      };
      console.log(
        `  ${roundLabel(run)}, end to end: ${run.endToEnd.events} events in ${run.endToEnd.seconds.toFixed(2)} s ` +
          `(raw loop just before: ${rawRate.toFixed(0)} requests/s)`,
      );
      if (workers > 0) {
        // Drain: every event is accepted with no dispatcher running, then the workers start.
        await stopWorkers(current);
        await bench!.resetDelivery();
        const t0 = performance.now();
        await post(current.base, targets, perChannel);
        run.acceptSeconds = (performance.now() - t0) / 1000;
        run.drain = await measure(current, () => startWorkers(current, workers));
        console.log(`  ${roundLabel(run)}, drain: ${run.drain.events} events in ${run.drain.seconds.toFixed(2)} s`);
      }
      runs.push(run);
      // The last run's dispatchers stay, warm, for isolation and the deadline below: without them,
      // an app on DISPATCHER=off would keep those events for a dispatcher that never comes.
      if (runs.length < WORKER_COUNTS.length * ROUNDS) await stopWorkers(current);
    }
    const { base } = product!;

    // Isolation: nine healthy channels with a tenth healthy, then with a tenth that hangs.
    async function nineHealthyRate(tenth: string, label: string) {
      const healthy = await Promise.all(Array.from({ length: 9 }, (_, i) => makeChannel(base, `${label} ${i}`, bots.ok)));
      const other = await makeChannel(base, `${label} tenth`, tenth);
      await bots.stats(true);
      const t0 = performance.now();
      await post(base, [...healthy, other], ISOLATION_EVENTS);
      const seconds = await timeUntilDone(healthy, 9 * ISOLATION_EVENTS, t0);
      return { rate: (9 * ISOLATION_EVENTS) / seconds, other };
    }
    const allHealthy = await nineHealthyRate(bots.ok, "Control");
    const withHang = await nineHealthyRate(bots.hang, "Hang");

    // Deadline: the hanging channel's sends, as recorded.
    await new Promise((r) => setTimeout(r, 4500));
    const durations = await bench!.listTimeoutDurations(withHang.other.id);
    const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))];

    // The baseline again, on a quiet machine, to see how much it drifted over the run.
    await stopProduct(product!);
    product = undefined;
    const rawRateAfter = await rawLoop(bots.ok, RAW_REQUESTS, CHANNELS * CONCURRENCY);

    const share = (m: Measurement, raw: number) => (m.events / m.seconds / raw) * 100;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    console.log(`\nThroughput on ${DB_KIND} (events to a trivial local bot, attempts persisted; target ≥ 60% of raw)`);
    line(
      "raw undici loop before the rounds",
      `${rawRate.toFixed(0)} requests/s, the median of ${rawRates.map((r) => r.toFixed(0)).join(", ")} (${CHANNELS * CONCURRENCY} in flight)`,
    );
    line("raw undici loop again, at the end", `${rawRateAfter.toFixed(0)} requests/s`);
    console.log("\n  End to end: the dispatchers run while the events are accepted through the script endpoint");
    console.log("  (% of raw: against the raw loop run just before the round)");
    table([
      ["dispatcher", "events", "seconds", "events/s", "raw just before", "(app CPU meanwhile)", "% of raw", "accepting took", "exactly once", "channels held (time)"],
      ...runs.map((run) => [
        roundLabel(run),
        String(run.endToEnd.events),
        run.endToEnd.seconds.toFixed(2),
        (run.endToEnd.events / run.endToEnd.seconds).toFixed(0),
        run.rawRate.toFixed(0),
        `${run.productCpuDuringRaw.toFixed(2)} s`,
        `${share(run.endToEnd, run.rawRate).toFixed(1)}%`,
        `${run.endToEnd.stepSeconds.toFixed(2)} s`,
        isExactlyOnce(run.endToEnd) ? "yes" : "NO",
        run.endToEnd.split,
      ]),
    ]);
    for (const workers of WORKER_COUNTS) {
      const mine = runs.filter((run) => run.workers === workers);
      const shares = mine.map((run) => share(run.endToEnd, run.rawRate));
      const rates = mine.map((run) => run.endToEnd.events / run.endToEnd.seconds);
      line(
        `${dispatcherLabel(workers)}, median of ${mine.length} round${mine.length > 1 ? "s" : ""}`,
        `${median(shares).toFixed(1)}% of raw (${median(rates).toFixed(0)} events/s)`,
      );
    }
    const drains = runs.filter((run) => run.drain);
    if (drains.length > 0) {
      console.log("\n  Drain: every event accepted first with no dispatcher running, then the workers start (timed from their start)");
      table([
        ["dispatcher", "events", "accepting alone", "seconds", "starting took", "events/s", "% of raw", "exactly once", "channels held (time)"],
        ...drains.map(({ workers, round, rawRate: raw, acceptSeconds, drain: m }) => [
          roundLabel({ workers, round }),
          String(m!.events),
          `${acceptSeconds!.toFixed(2)} s`,
          m!.seconds.toFixed(2),
          `${m!.stepSeconds.toFixed(2)} s`,
          (m!.events / m!.seconds).toFixed(0),
          `${share(m!, raw).toFixed(1)}%`,
          isExactlyOnce(m!) ? "yes" : "NO",
          m!.split,
        ]),
      ]);
    }
    const measurements = runs.flatMap((run) => [
      { label: `${roundLabel(run)}, end to end`, m: run.endToEnd },
      ...(run.drain ? [{ label: `${roundLabel(run)}, drain`, m: run.drain }] : []),
    ]);
    console.log("\n  Exactly once: events delivered with one send = sends recorded = distinct events delivered = distinct events the bot got");
    for (const { label, m } of measurements) {
      const { counts, bot } = m;
      line(
        `  ${label}`,
        `events ${counts.events}, delivered once ${counts.deliveredOnce}, sends ${counts.attempts}, distinct ${counts.distinctDelivered}; ` +
          `bot got ${bot.received} (${bot.distinct} distinct, ${bot.duplicates} repeats)`,
      );
    }
    if (PRUNE) {
      console.log(`\n  Pruning during each run (${PRUNE_EVENTS} delivered events a month old seeded, with their sends, before each setup's first round)`);
      for (const { label, m } of measurements) {
        const { rows, seconds } = m.pruned!;
        line(
          `  ${label}`,
          `${rows} rows deleted (${(rows / seconds).toFixed(0)} rows/s), ` +
            (seconds < m.seconds - 0.05 ? `out of old rows after ${seconds.toFixed(2)} of ${m.seconds.toFixed(2)} s` : "all the run long"),
        );
      }
    }
    console.log(`\nCPU seconds over each run (${availableParallelism()} cores; "cores busy" = the roles' CPU / wall time)`);
    const roles = ["app", "workers", "postgres", "bot", "bench"];
    const cpuRow = (label: string, cpu: Map<string, number>, seconds: number) => {
      const total = [...cpu.values()].reduce((a, b) => a + b, 0);
      return [label, seconds.toFixed(2), ...roles.map((r) => (cpu.has(r) ? cpu.get(r)!.toFixed(1) : "-")), total.toFixed(1), (total / seconds).toFixed(2)];
    };
    table([
      ["run", "seconds", ...roles, "total", "cores busy"],
      cpuRow("raw undici loop (3 runs)", rawCpu, rawSeconds),
      ...measurements.map(({ label, m }) => cpuRow(label, m.cpu, m.seconds)),
    ]);
    // What a deployment is sized with: each role's CPU per event, and how many events a second a
    // dispatcher (the app's, or the workers together) delivers per second of its CPU.
    const rawRequests = 3 * RAW_REQUESTS;
    const rawClientUs = ((rawCpu.get("bench") ?? 0) / rawRequests) * 1e6;
    console.log(`
CPU per event, in µs (the raw loop's client: ${rawClientUs.toFixed(0)} µs per request, its bot ${(((rawCpu.get("bot") ?? 0) / rawRequests) * 1e6).toFixed(0)})`);
    const perEvent = (cpu: Map<string, number>, role: string, events: number) => (cpu.has(role) ? ((cpu.get(role)! / events) * 1e6).toFixed(0) : "-");
    table([
      ["run", ...roles.filter((r) => r !== "bench"), "app + workers", "× raw client", "events/s per dispatcher CPU-second"],
      ...measurements.map(({ label, m }) => {
        const product = (m.cpu.get("app") ?? 0) + (m.cpu.get("workers") ?? 0);
        const dispatching = m.cpu.get(m.workerRssMb.length > 0 ? "workers" : "app") ?? 0;
        return [
          label,
          ...roles.filter((r) => r !== "bench").map((r) => perEvent(m.cpu, r, m.events)),
          ((product / m.events) * 1e6).toFixed(0),
          `${((product / m.events) * 1e6 / rawClientUs).toFixed(2)}×`,
          dispatching > 0 ? (m.events / dispatching).toFixed(0) : "-",
        ];
      }),
    ]);
    console.log("\nIsolation (10 channels, 9 healthy)");
    line("nine healthy, tenth healthy", `${allHealthy.rate.toFixed(0)} events/s`);
    line("nine healthy, tenth hangs", `${withHang.rate.toFixed(0)} events/s`);
    line("kept (target ≥ 90%)", `${((withHang.rate / allHealthy.rate) * 100).toFixed(1)}%`);
    console.log("\nDeadline (request_timeout as recorded)");
    line("sends timed out", String(durations.length));
    line("min / p50 / p99 / max", `${durations[0]} / ${pct(50)} / ${pct(99)} / ${durations.at(-1)} ms (target p99 ≤ 2050)`);
    console.log("\nMemory (peak RSS)");
    for (const { label, m } of measurements) {
      const workers = m.workerRssMb.map((mb) => mb.toFixed(0)).join(", ");
      line(`${label}, ${m.events} events`, `app ${m.appRssMb.toFixed(0)} MB${workers ? `; workers ${workers} MB` : ""}`);
    }
    console.log(`\n  1-minute load average at the end: ${loadavg()[0].toFixed(1)}`);
    await db().$disconnect();
    await pruneStore?.close();
  } finally {
    if (product) await stopProduct(product);
    await bench?.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

await main();
