import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listDeliveryLog, PAYLOAD_SCAN_LIMIT, type DeliveryLogResult } from "@/lib/console/attempts";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { NO_FILTER, parseDeliveryLogSearch, type DeliveryLogQuery } from "@/lib/console/delivery-log-search";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { checkWebhookEndpoint } from "@/lib/delivery/check";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { deliveryStore } from "@/lib/delivery/runtime";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";

const ALICE = `U${"a".repeat(32)}`;
const BOB = `U${"b".repeat(32)}`;

let admin: string;
let channelId: string;
let bot: TestBot;

function query(search: Record<string, string>): DeliveryLogQuery {
  const parsed = parseDeliveryLogSearch(search);
  if (!parsed.ok) throw new Error(parsed.problems.join(" "));
  return parsed.query;
}

async function log(search: Record<string, string>, limit = 50): Promise<DeliveryLogResult> {
  return listDeliveryLog(await accessOf(admin, channelId), query(search), limit);
}

/** Each send as its message's text, its event's type, or its kind when it carries no event. */
const texts = (result: DeliveryLogResult) =>
  result.attempts.map((a) => {
    const event = JSON.parse(a.requestExcerpt).events[0];
    return event?.message?.text ?? event?.type ?? a.kind;
  });

beforeAll(async () => {
  admin = (await createUser("log-admin@example.com", "pw")).user.id;
  const provider = await createProvider(admin, "Log");
  // The bot fails every message that says "fail".
  bot = await startBot((req, res) => {
    const text: string = JSON.parse(req.body).events[0]?.message?.text ?? "";
    res.writeHead(text.includes("fail") ? 500 : 200).end(text.includes("fail") ? "broken" : "OK");
  });
  ({ id: channelId } = await createChannel(admin, provider.id, { name: "Log bot", description: "", email: "" }));
  await updateWebhookUrl(await accessOf(admin, channelId), bot.url);
  await setWebhookSetting(await accessOf(admin, channelId), "useWebhook", true);
  const channel = await db().channel.findUniqueOrThrow({ where: { id: channelId } });
  const specs: EventSpec[] = [
    { type: "message", userId: ALICE, text: "hello" },
    { type: "message", userId: BOB, text: "please fail" },
    { type: "follow", userId: BOB },
    { type: "message", userId: ALICE, text: "fail again" },
    { type: "message", userId: BOB, text: "hello" },
  ];
  const dispatcher = new Dispatcher({ store: deliveryStore(), channelConcurrency: 1, leaseMs: 30_000, pollMs: 20 });
  dispatcher.start();
  try {
    // One at a time, so that the log's order is the events' order.
    for (const spec of specs) {
      const before = bot.received.length;
      await acceptEvents(channel, [spec], "api");
      await waitUntil(async () => bot.received.length > before && (await db().deliveryAttempt.count({ where: { channelId } })) > before);
    }
  } finally {
    await dispatcher.stop();
  }
  await checkWebhookEndpoint(channel, bot.url, "verify");
});

afterAll(async () => {
  await bot?.close();
  await closeWebhookConnections();
});

describe("the Delivery log's filters", () => {
  test("unfiltered, every request newest first", async () => {
    expect(texts(await log({}))).toEqual(["verify", "hello", "fail again", "follow", "please fail", "hello"]);
  });

  test("each filter narrows the log, and filters combine", async () => {
    expect(texts(await log({ kind: "verify" }))).toEqual(["verify"]);
    expect(texts(await log({ kind: "event", outcome: "success" }))).toEqual(["hello", "follow", "hello"]);
    expect(texts(await log({ outcome: "failure" }))).toEqual(["fail again", "please fail"]);
    expect(texts(await log({ reason: "error_status_code", detail: "500" }))).toEqual(["fail again", "please fail"]);
    expect(texts(await log({ status: "500" }))).toEqual(["fail again", "please fail"]);
    expect(texts(await log({ type: "follow" }))).toEqual(["follow"]);
    expect(texts(await log({ source: ALICE }))).toEqual(["fail again", "hello"]);
    expect(texts(await log({ source: BOB, outcome: "failure" }))).toEqual(["please fail"]);
    expect(texts(await log({ send: "first", kind: "event" }))).toHaveLength(5);
    expect(texts(await log({ send: "redelivery" }))).toEqual([]);
    const [one] = (await log({ source: BOB, type: "follow" })).attempts;
    expect(texts(await log({ webhookEventId: one.webhookEventId! }))).toEqual(["follow"]);
  });

  test("a time range keeps the sends started within it", async () => {
    const all = (await log({})).attempts;
    const [newest, , third] = all;
    const from = new Date(third.startedAt.getTime()).toISOString();
    const result = await listDeliveryLog(
      await accessOf(admin, channelId),
      { filter: { ...NO_FILTER, from: Date.parse(from), to: newest.startedAt.getTime() }, page: null },
    );
    expect(result.attempts.map((a) => a.id)).toEqual(all.filter((a) => a.startedAt >= third.startedAt && a.startedAt < newest.startedAt).map((a) => a.id));
  });

  test("the payload filter matches a value in the body as sent", async () => {
    expect(texts(await log({ payload: "events.0.message.text:hello" }))).toEqual(["hello", "hello"]);
    expect(texts(await log({ payload: `events.0.source.userId:${BOB}`, type: "message" }))).toEqual(["hello", "please fail"]);
    expect(texts(await log({ payload: "events.0.message.text:nobody said this" }))).toEqual([]);
  });

  test("pages older and newer cover every match once, in order", async () => {
    const all = (await log({})).attempts.map((a) => a.id);
    const seen: number[] = [];
    let page = await log({}, 2);
    expect(page.newer).toBeNull();
    seen.push(...page.attempts.map((a) => a.id));
    const pages = [page];
    while (page.older !== null) {
      page = await log({ before: String(page.older) }, 2);
      pages.push(page);
      seen.push(...page.attempts.map((a) => a.id));
    }
    expect(seen).toEqual(all);
    expect(pages.map((p) => p.attempts.length)).toEqual([2, 2, 2]);
    const back = await log({ after: String(pages[2].newer) }, 2);
    expect(back.attempts.map((a) => a.id)).toEqual(pages[1].attempts.map((a) => a.id));
    // A page with a payload filter pages the same way.
    const first = await log({ payload: "events.0.message.text:hello" }, 1);
    const second = await log({ payload: "events.0.message.text:hello", before: String(first.older) }, 1);
    expect([...first.attempts, ...second.attempts].map((a) => a.id)).toEqual((await log({ payload: "events.0.message.text:hello" })).attempts.map((a) => a.id));
    expect(second.older).toBeNull();
  });

  test(`a payload filter reads at most ${PAYLOAD_SCAN_LIMIT} sends a page and says where it stopped`, async () => {
    const provider = await createProvider(admin, "Many");
    const { id } = await createChannel(admin, provider.id, { name: "Many sends", description: "", email: "" });
    const started = Date.now() - 60_000;
    await db().deliveryAttempt.createMany({
      data: Array.from({ length: PAYLOAD_SCAN_LIMIT + 10 }, (_, i) => ({
        channelId: id,
        kind: "test",
        url: bot.url,
        startedAt: new Date(started + i),
        durationMs: 1,
        success: true,
        statusCode: 200,
        requestExcerpt: JSON.stringify({ destination: "U0", events: [], n: i }),
      })),
    });
    const access = await accessOf(admin, id);
    const result = await listDeliveryLog(access, query({ payload: "n:3" }));
    expect(result.attempts).toEqual([]);
    expect(result.searched?.scanned).toBe(PAYLOAD_SCAN_LIMIT);
    const further = await listDeliveryLog(access, query({ payload: "n:3", before: String(result.searched!.older) }));
    expect(further.attempts.map((a) => JSON.parse(a.requestExcerpt).n)).toEqual([3]);
    expect(further.searched).toBeNull();
  });
});
