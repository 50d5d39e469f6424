// Load for a channel (or several): simulated users' events at a steady rate through the script
// endpoint, with a live progress line and a summary. `npm run simulate -- --help` explains.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { WEBHOOK_EVENT_TYPES } from "../lib/webhook/payload";

const HELP = `Usage: npm run simulate -- [options]

  --url URL            the console (default http://localhost:3000)
  --channel ID:SECRET  a channel to load; repeat for several (default DEMO_CHANNEL_ID:DEMO_CHANNEL_SECRET)
  --rate N             events per second in all (default 100)
  --duration S         seconds to run (default 10)
  --mix SPEC           event mix, e.g. message=70,follow=10,unfollow=10,postback=10 (the default);
                       --mix alone (or --mix all) sends every event type LINE sends, from users,
                       groups and rooms, with every kind of message
  --users N            simulated users per channel (default 20)
  --batch N            events per request (default 50, at most 1000)
  --concurrency N      requests in flight at once (default 8)
`;

const KINDS = WEBHOOK_EVENT_TYPES;
type Kind = (typeof KINDS)[number];

function isKind(name: string): name is Kind {
  return (KINDS as readonly string[]).includes(name);
}

function fail(message: string): never {
  console.error(`simulate: ${message}\n\n${HELP}`);
  process.exit(2);
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) fail(`--${name} must be a positive number, not "${raw}"`);
  return value;
}

function parseMix(spec: string): [Kind, number][] {
  if (spec === "all") return KINDS.map((kind) => [kind, 1]);
  const mix = spec.split(",").map((part): [Kind, number] => {
    const [kind, weight] = part.split("=");
    if (!isKind(kind)) fail(`--mix: unknown event type "${kind}"`);
    const w = Number(weight);
    if (!Number.isFinite(w) || w < 0) fail(`--mix: "${part}" needs a weight, like message=70`);
    return [kind, w];
  });
  if (mix.every(([, w]) => w === 0)) fail("--mix: at least one weight must be above 0");
  return mix;
}

// `--mix` with no value of its own means every type; parseArgs wants a value for a string option.
const args = process.argv.slice(2).flatMap((arg, i, all) =>
  arg === "--mix" && (i === all.length - 1 || all[i + 1].startsWith("--")) ? ["--mix", "all"] : [arg],
);

const { values } = parseArgs({
  args,
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    channel: { type: "string", multiple: true },
    rate: { type: "string" },
    duration: { type: "string" },
    mix: { type: "string", default: "message=70,follow=10,unfollow=10,postback=10" },
    users: { type: "string" },
    batch: { type: "string" },
    concurrency: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const base = values.url!.replace(/\/$/, "");
const rate = positive("rate", values.rate, 100);
const duration = positive("duration", values.duration, 10);
const usersPerChannel = Math.round(positive("users", values.users, 20));
const batch = Math.min(1000, Math.round(positive("batch", values.batch, 50)));
const concurrency = Math.round(positive("concurrency", values.concurrency, 8));
const mix = parseMix(values.mix!);
const totalWeight = mix.reduce((n, [, w]) => n + w, 0);

const channelSpecs =
  values.channel ??
  (process.env.DEMO_CHANNEL_ID && process.env.DEMO_CHANNEL_SECRET
    ? [`${process.env.DEMO_CHANNEL_ID}:${process.env.DEMO_CHANNEL_SECRET}`]
    : fail("name a channel with --channel ID:SECRET (or set DEMO_CHANNEL_ID and DEMO_CHANNEL_SECRET)"));

type Target = { id: string; token: string; users: string[]; groupId: string; roomId: string };

async function tokenFor(id: string, secret: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${base}/v2/oauth/accessToken`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: secret }),
    });
  } catch (error) {
    fail(`cannot reach the console at ${base}: ${String(error)}`);
  }
  if (!response.ok) fail(`channel ${id}: the console refused its ID and secret (${response.status})`);
  return ((await response.json()) as { access_token: string }).access_token;
}

function pickKind(): Kind {
  let r = Math.random() * totalWeight;
  for (const [kind, w] of mix) {
    if ((r -= w) < 0) return kind;
  }
  return mix[0][0];
}

/** A message ID as LINE's look, for the edits and unsends that name an earlier message. */
function messageId(n: number): string {
  return String(100_000_000_000_000_000n + BigInt(n));
}

/** Each kind of message in turn: text with a mention or an emoji, then each kind LINE has. */
function messageFor(n: number): Record<string, unknown> {
  const contents: Record<string, unknown>[] = [
    { text: `load message ${n}` },
    { text: `@All load ${n}`, mention: { mentionees: [{ type: "all", index: 0, length: 4 }] } },
    { text: `load (love)`, emojis: [{ index: 5, length: 6, productId: "5ac1bfd5040ab15980c9b435", emojiId: "001" }] },
    { message: { type: "image" } },
    { message: { type: "video", duration: 15_000 } },
    { message: { type: "audio", duration: 8_000 } },
    { message: { type: "file", fileName: `load-${n}.pdf`, fileSize: 1024 } },
    { message: { type: "location", title: "Tokyo Tower", latitude: 35.6586, longitude: 139.7454 } },
    { message: { type: "sticker", packageId: "446", stickerId: "1988" } },
  ];
  return contents[n % contents.length];
}

const POSTBACK_PARAMS = [
  undefined,
  { date: "2025-01-31" },
  { time: "12:30" },
  { datetime: "2025-01-31T12:30" },
  { newRichMenuAliasId: "richmenu-b", status: "SUCCESS" },
];

// Counted apart from the events, so that every kind of message comes round however the mix falls.
let messagesMade = 0;

function eventFor(target: Target, n: number): Record<string, unknown> {
  const userId = target.users[n % target.users.length];
  const type = pickKind();
  // Events a user can send anywhere come in turn from the one-to-one chat, the group and the room.
  const where = [{}, { groupId: target.groupId }, { roomId: target.roomId }][n % 3];
  const chat = n % 2 === 0 ? { groupId: target.groupId } : { roomId: target.roomId };
  switch (type) {
    case "message":
      return { type, userId, ...where, ...messageFor(messagesMade++) };
    case "messageEdited":
      return { type, userId, groupId: target.groupId, messageId: messageId(n), text: `edited ${n}` };
    case "postback": {
      const params = POSTBACK_PARAMS[n % POSTBACK_PARAMS.length];
      return { type, userId, ...where, data: `action=load&n=${n}`, ...(params && { params }) };
    }
    case "unsend":
      return { type, userId, ...where, messageId: messageId(n) };
    case "videoPlayComplete":
      return { type, userId, ...where, trackingId: `load-${n % 10}` };
    case "join":
    case "leave":
      return { type, ...chat };
    case "memberJoined":
    case "memberLeft":
      return { type, ...chat, userIds: [userId] };
    case "beacon":
      return { type, userId, hwid: "d41d8cd98f", beaconType: (["enter", "banner", "stay"] as const)[n % 3] };
    case "accountLink":
      return { type, userId, result: n % 5 === 0 ? "failed" : "ok" };
    case "follow":
    case "unfollow":
      return { type, userId };
  }
}

const targets: Target[] = await Promise.all(
  channelSpecs.map(async (spec) => {
    const [id, secret] = spec.split(":");
    if (!id || !secret) fail(`--channel must be ID:SECRET, not "${spec}"`);
    return {
      id,
      token: await tokenFor(id, secret),
      users: Array.from({ length: usersPerChannel }, () => `U${randomBytes(16).toString("hex")}`),
      groupId: `C${randomBytes(16).toString("hex")}`,
      roomId: `R${randomBytes(16).toString("hex")}`,
    };
  }),
);

const stats = { accepted: 0, refused: 0, requestErrors: 0, latencies: [] as number[], statuses: new Map<number, number>() };
const total = Math.round(rate * duration);
let scheduled = 0;
let inFlight = 0;
const started = performance.now();

async function sendBatch(target: Target, count: number, first: number): Promise<void> {
  const events = Array.from({ length: count }, (_, i) => eventFor(target, first + i));
  const t0 = performance.now();
  try {
    const response = await fetch(`${base}/api/channels/${target.id}/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${target.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events }),
    });
    await response.arrayBuffer();
    stats.latencies.push(performance.now() - t0);
    stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
    if (response.status === 202) stats.accepted += count;
    else stats.refused += count;
  } catch {
    stats.requestErrors += 1;
    stats.refused += count;
  }
}

function progress(final = false) {
  const seconds = (performance.now() - started) / 1000;
  const line = `  ${seconds.toFixed(1)} s · accepted ${stats.accepted}/${total} · ${(stats.accepted / Math.max(seconds, 0.001)).toFixed(0)} events/s · refused ${stats.refused}`;
  process.stdout.write(final ? `\r${line}\n` : `\r${line}`);
}

console.log(`Sending ${total} events to ${targets.length} channel(s) at ${rate}/s for ${duration} s, ${batch} per request…`);
const ticker = setInterval(progress, 250);
let turn = 0;
await new Promise<void>((resolve) => {
  const pump = () => {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (inFlight < concurrency && scheduled < due) {
      const count = Math.min(batch, due - scheduled);
      const target = targets[turn++ % targets.length];
      const first = scheduled;
      scheduled += count;
      inFlight += 1;
      void sendBatch(target, count, first).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
    if (scheduled >= total && inFlight === 0) resolve();
  };
  const timer = setInterval(() => {
    pump();
    if (scheduled >= total) clearInterval(timer);
  }, 10);
  pump();
});
clearInterval(ticker);
progress(true);

const sorted = stats.latencies.sort((a, b) => a - b);
const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const seconds = (performance.now() - started) / 1000;
console.log(`
Summary
  events accepted   ${stats.accepted} of ${total} (${(stats.accepted / seconds).toFixed(0)} events/s)
  events refused    ${stats.refused}${stats.requestErrors ? ` (${stats.requestErrors} requests failed to connect)` : ""}
  requests          ${sorted.length} · ${[...stats.statuses].map(([s, n]) => `${n}× ${s}`).join(", ")}
  request latency   p50 ${pct(50).toFixed(1)} ms · p99 ${pct(99).toFixed(1)} ms
Open the channel's Simulator or Delivery log in the console to see how the bot answered.`);
process.exit(stats.refused > 0 ? 1 : 0);
