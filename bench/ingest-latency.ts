// bench/ingest-latency: how fast the console's pages answer while scripts post events at a steady
// rate, next to the same pages on the same app with no ingest (the baseline, measured in the same
// run). The app is the built console (`next start`) with its dispatcher delivering every event to
// a bot of its own process.
//   npm run bench:ingest-latency -- [--rate 5000] [--seconds 20] [--batch 500] [--db sqlite|postgres]
//                                   [--dispatcher app|off] [--nice N] [--no-build]
// Events go to two channels in turn through the script endpoint, `--batch` per request, paced to
// `--rate` events a second; pages are loaded one after another, ten a second, signed in. With
// --dispatcher off the events are only stored: the figure is then ingest's alone, without the
// CPU that delivering them takes on the same machine. --nice sets WEBHOOK_DISPATCH_NICE.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-postgres";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "5000" },
    seconds: { type: "string", default: "20" },
    batch: { type: "string", default: "500" },
    db: { type: "string", default: "sqlite" },
    dispatcher: { type: "string", default: "app" },
    nice: { type: "string", default: "0" },
    "no-build": { type: "boolean", default: false },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BATCH = Number(values.batch);
for (const [name, value] of [["rate", RATE], ["seconds", SECONDS], ["batch", BATCH]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number from 1, not "${values[name]}"`);
}
if (BATCH > 1000) throw new Error("--batch is at most 1000, the script endpoint's limit");
if (values.db !== "sqlite" && values.db !== "postgres") throw new Error(`--db must be sqlite or postgres, not "${values.db}"`);
if (values.dispatcher !== "app" && values.dispatcher !== "off") throw new Error(`--dispatcher must be app or off, not "${values.dispatcher}"`);
const ADMIN = { email: "bench@example.com", password: "bench ingest passphrase" };
/** Page loads a second, one after another. */
const PAGE_LOADS_PER_SECOND = 10;
/** Requests of the script endpoint in flight at most; a slower app gets fewer events a second. */
const MAX_POSTS_IN_FLIGHT = 8;

const root = path.resolve(import.meta.dirname, "..");
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** The bench bot's URL, and how many webhooks it has had. */
type Bot = { url: string; received: () => Promise<number> };

async function startBot(): Promise<Bot> {
  const bot = spawn(process.execPath, [path.join(root, "bench/bot.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(bot);
  const first = await new Promise<string>((resolve) => createInterface({ input: bot.stdout! }).once("line", resolve));
  const port = first.split(" ")[1];
  return {
    url: `http://127.0.0.1:${port}/callback`,
    received: async () => ((await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { received: number }).received,
  };
}

async function startApp(env: NodeJS.ProcessEnv): Promise<string> {
  const port = 3990 + Math.floor(Math.random() * 9);
  // As `npm start` runs it; BENCH_APP_NODE_FLAGS, e.g. "--cpu-prof", profiles the app under ingest.
  const app = spawn("sh", [path.join(root, "scripts/start.sh"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...env, APP_NODE_FLAGS: process.env.BENCH_APP_NODE_FLAGS ?? "", NEXTAUTH_URL: `http://127.0.0.1:${port}`, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, NEXT_TELEMETRY_DISABLED: "1", DISPATCHER: values.dispatcher },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(app);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/login`)).status === 200) return base;
    } catch {
      // starting
    }
    await sleep(100);
  }
  throw new Error("the app did not start");
}

/** Signs in through next-auth's endpoint; the session's cookies. */
async function signIn(base: string): Promise<string> {
  const cookies = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]);
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies(csrf).join("; ") },
    body: new URLSearchParams({ csrfToken, ...ADMIN, json: "true" }),
  });
  return [...cookies(csrf), ...cookies(res)].join("; ");
}

type Channel = { id: string; token: string };
type PageTimes = Map<string, number[]>;

/** Loads each page in turn, PAGE_LOADS_PER_SECOND a second, until `until`; every load's time by page. */
async function loadPages(base: string, cookie: string, pages: string[], until: number): Promise<PageTimes> {
  const times: PageTimes = new Map(pages.map((p) => [p, []]));
  for (let i = 0; Date.now() < until; i++) {
    const page = pages[i % pages.length]!;
    const started = performance.now();
    const res = await fetch(`${base}${page}`, { headers: { Cookie: cookie }, redirect: "manual" });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${page} answered ${res.status}`);
    const ms = performance.now() - started;
    times.get(page)!.push(ms);
    await sleep(Math.max(0, 1000 / PAGE_LOADS_PER_SECOND - ms));
  }
  return times;
}

type IngestResult = { accepted: number; seconds: number; postMs: number[]; refused: number };

/** Posts batches to the channels in turn, paced to RATE events a second, until `until`. */
async function ingest(base: string, channels: Channel[], until: number): Promise<IngestResult> {
  const started = Date.now();
  const postMs: number[] = [];
  let accepted = 0;
  let refused = 0;
  let inFlight = 0;
  const posts: Promise<void>[] = [];
  for (let n = 0; Date.now() < until; n++) {
    // Batch n is due when the rate says so; a late one goes at once.
    await sleep(Math.max(0, started + (n * BATCH * 1000) / RATE - Date.now()));
    while (inFlight >= MAX_POSTS_IN_FLIGHT) await sleep(1);
    const channel = channels[n % channels.length]!;
    const body = JSON.stringify({
      events: Array.from({ length: BATCH }, (_, i) => ({ type: "message", userId: `U${"f".repeat(32)}`, text: `ingest ${n}-${i}` })),
    });
    inFlight += 1;
    posts.push(
      (async () => {
        const t = performance.now();
        const res = await fetch(`${base}/api/channels/${channel.id}/events`, {
          method: "POST",
          headers: { Authorization: `Bearer ${channel.token}`, "Content-Type": "application/json" },
          body,
        });
        await res.arrayBuffer();
        postMs.push(performance.now() - t);
        if (res.status === 202) accepted += BATCH;
        else refused += 1;
        inFlight -= 1;
      })(),
    );
  }
  await Promise.all(posts);
  return { accepted, seconds: (Date.now() - started) / 1000, postMs, refused };
}

function row(label: string, times: number[]): string[] {
  return [label, String(times.length), ...[50, 95, 99].map((p) => `${percentile(times, p).toFixed(1)} ms`), `${Math.max(...times).toFixed(1)} ms`];
}

function table(rows: string[][]) {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(`  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("   ")}`);
}

async function main() {
  if (!values["no-build"] || !existsSync(path.join(root, ".next/BUILD_ID"))) {
    console.log("Building the app (next build)…");
    const build = spawn("npx", ["next", "build"], { cwd: root, stdio: "ignore" });
    const code = await new Promise<number | null>((resolve) => build.once("exit", resolve));
    if (code !== 0) throw new Error("next build failed");
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-ingest-"));
  let scratch: ScratchDatabase | undefined;
  try {
    scratch = values.db === "postgres" ? await createScratchDatabase("bench_ingest") : undefined;
    const databaseUrl = scratch?.url ?? `file:${path.join(dataDir, "console.db")}`;
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, WEBHOOK_DISPATCH_NICE: values.nice };
    const [bot, base] = await Promise.all([startBot(), startApp(env)]);
    process.env.DATA_DIR = dataDir;
    process.env.DATABASE_URL = databaseUrl;
    const channels = await import("../lib/console/channels");
    const { db } = await import("../lib/db");
    const admin = await db().user.findFirstOrThrow();
    const provider = await db().provider.findFirstOrThrow();
    const made: Channel[] = [];
    for (const name of ["Ingest A", "Ingest B"]) {
      const { id } = await channels.createChannel(admin.id, provider.id, { name, description: "", email: "" });
      const access = await channels.getChannelAccess(admin, id);
      await channels.updateWebhookUrl(access, bot.url);
      await channels.setWebhookSetting(access, "useWebhook", true);
      await channels.setWebhookSetting(access, "errorStatisticsAggregation", true);
      const { channelSecret } = await db().channel.findUniqueOrThrow({ where: { id } });
      const res = await fetch(`${base}/v2/oauth/accessToken`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: channelSecret }),
      });
      made.push({ id, token: ((await res.json()) as { access_token: string }).access_token });
    }
    await db().$disconnect();
    const cookie = await signIn(base);
    const pages = [`/channels/${made[0]!.id}/messaging-api`, `/channels/${made[0]!.id}/log`, "/providers"];

    console.log(`ingest-latency: ${values.db}, dispatcher ${values.dispatcher} (nice ${values.nice}), ${RATE} events/s in batches of ${BATCH} for ${SECONDS} s, pages ${pages.join(", ")}`);
    // Warm every page up (compilation caches, first queries) before either phase.
    await loadPages(base, cookie, pages, Date.now() + 2_000);
    const idle = await loadPages(base, cookie, pages, Date.now() + SECONDS * 1000);
    const until = Date.now() + SECONDS * 1000;
    const [busy, result] = await Promise.all([loadPages(base, cookie, pages, until), ingest(base, made, until)]);
    const delivered = await bot.received();

    console.log("");
    table([
      ["page loads", "count", "p50", "p95", "p99", "max"],
      row("no ingest (baseline)", [...idle.values()].flat()),
      row(`during ingest`, [...busy.values()].flat()),
      ...pages.map((p) => row(`  ${p.replace(made[0]!.id, ":id")}`, busy.get(p)!)),
    ]);
    console.log("");
    console.log(
      `  ingest: ${result.accepted} events accepted in ${result.seconds.toFixed(1)} s = ${(result.accepted / result.seconds).toFixed(0)} events/s ` +
        `(asked ${RATE}); ${result.refused} requests refused; a request's p50 ${percentile(result.postMs, 50).toFixed(1)} ms, p99 ${percentile(result.postMs, 99).toFixed(1)} ms`,
    );
    if (values.dispatcher === "app") {
      console.log(`  delivered while ingest ran: ${delivered} of ${result.accepted} (${(delivered / result.seconds).toFixed(0)} events/s)`);
    }
    const p99 = percentile([...busy.values()].flat(), 99);
    console.log(`  page p99 during ingest: ${p99.toFixed(1)} ms (target < 300 ms): ${p99 < 300 ? "met" : "NOT met"}`);
  } finally {
    await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once("exit", () => resolve()), c.kill("SIGTERM"))))));
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
