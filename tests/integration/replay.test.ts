import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { validateSignature } from "@line/bot-sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listDeliveryLog } from "@/lib/console/attempts";
import { createChannel, reissueChannelSecret, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { NO_FILTER } from "@/lib/console/delivery-log-search";
import { createProvider } from "@/lib/console/providers";
import {
  BULK_REDELIVERY_CAP,
  bulkRedeliveryProgress,
  previewBulkRedelivery,
  replyTokenWarning,
  sendAsCurl,
  sendEditedEvent,
  startBulkRedelivery,
} from "@/lib/console/replay";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents } from "@/lib/delivery/ingest";
import { deliveryStore } from "@/lib/delivery/runtime";
import { InputError } from "@/lib/errors";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";

const run = promisify(execFile);
const USER = `U${"d".repeat(32)}`;

let admin: string;
let bot: TestBot;
/** The secret the bot checks signatures with, as @line/bot-sdk's middleware does. */
let botSecret = "";
/** Messages saying "fail" fail while this holds. */
let failing = true;

async function newChannel(name: string, aggregation = false) {
  const provider = await createProvider(admin, name);
  const { id } = await createChannel(admin, provider.id, { name, description: "", email: "" });
  await updateWebhookUrl(await accessOf(admin, id), bot.url);
  await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
  if (aggregation) await setWebhookSetting(await accessOf(admin, id), "errorStatisticsAggregation", true);
  return db().channel.findUniqueOrThrow({ where: { id } });
}

/** Runs a dispatcher until `until` holds. */
async function sendAll(until: () => Promise<boolean>) {
  const dispatcher = new Dispatcher({ store: deliveryStore(), channelConcurrency: 1, leaseMs: 30_000, pollMs: 20 });
  dispatcher.start();
  try {
    await waitUntil(until, 15_000);
  } finally {
    await dispatcher.stop();
  }
}

const sends = (channelId: string) => db().deliveryAttempt.count({ where: { channelId } });

beforeAll(async () => {
  admin = (await createUser("replay@example.com", "pw")).user.id;
  bot = await startBot((req, res) => {
    if (!validateSignature(req.body, botSecret, String(req.headers["x-line-signature"]))) {
      res.writeHead(401).end("bad signature");
      return;
    }
    const text: string = JSON.parse(req.body).events[0]?.message?.text ?? "";
    res.writeHead(failing && text.includes("fail") ? 500 : 200).end();
  });
});

afterAll(async () => {
  await bot?.close();
  await closeWebhookConnections();
});

describe("Copy as cURL", () => {
  test("the command sends the exact body, and the bot's @line/bot-sdk signature check accepts it, after a Reissue too", async () => {
    const channel = await newChannel("Curl bot");
    botSecret = channel.channelSecret;
    await acceptEvents(channel, [{ type: "message", userId: USER, text: "it's \"quoted\" — and $HOME `x`" }], "api");
    await sendAll(async () => (await sends(channel.id)) === 1);
    const access = await accessOf(admin, channel.id);
    const [send] = (await listDeliveryLog(access, { filter: NO_FILTER, page: null })).attempts;
    expect(send.statusCode).toBe(200);
    const original = bot.received.at(-1)!.body;

    botSecret = await reissueChannelSecret(access);
    const command = await sendAsCurl(await accessOf(admin, channel.id), send.id);
    const before = bot.received.length;
    const { stdout } = await run("sh", ["-c", `${command} -s -o /dev/null -w '%{http_code}'`]);
    expect(stdout).toBe("200");
    const replayed = bot.received[before];
    expect(replayed.body).toBe(original);
    expect(validateSignature(replayed.body, botSecret, String(replayed.headers["x-line-signature"]))).toBe(true);
    expect(replayed.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(replayed.headers["user-agent"]).toBe("LineBotWebhook/2.0");
  });
});

describe("Edit and send", () => {
  test("an edited event is checked, re-signed and sent as a test send, marked edited and never counted", async () => {
    failing = true;
    const channel = await newChannel("Edit bot", true);
    botSecret = channel.channelSecret;
    await acceptEvents(channel, [{ type: "message", userId: USER, text: "original" }], "api");
    await sendAll(async () => (await sends(channel.id)) === 1);
    const event = JSON.parse(bot.received.at(-1)!.body).events[0];
    const access = await accessOf(admin, channel.id);

    for (const [text, message] of [
      ["{not json", /The event is not valid JSON/],
      [JSON.stringify({ ...event, type: "mesage" }), /type must be one of message/],
      [JSON.stringify({ ...event, replyToken: undefined }), /a message event needs a replyToken/],
      [JSON.stringify({ destination: "U0", events: [event] }), /Edit one event, not the whole request body/],
    ] as const) {
      await expect(sendEditedEvent(access, text)).rejects.toThrow(message);
      await expect(sendEditedEvent(access, text)).rejects.toBeInstanceOf(InputError);
    }
    expect(await sends(channel.id)).toBe(1);

    const edited = { ...event, message: { ...event.message, text: "please fail" } };
    const result = await sendEditedEvent(access, JSON.stringify(edited));
    expect(result).toMatchObject({ success: false, statusCode: 500, message: "error_status_code · 500", warning: null });
    const received = bot.received.at(-1)!;
    expect(JSON.parse(received.body)).toEqual({ destination: channel.botUserId, events: [edited] });
    const [logged] = (await listDeliveryLog(access, { filter: NO_FILTER, page: null })).attempts;
    expect(logged).toMatchObject({ kind: "test", isEdited: true, webhookEventId: event.webhookEventId, statusCode: 500 });
    expect(await db().errorStat.count({ where: { channelId: channel.id } })).toBe(0);

    // An old event's reply token is flagged.
    const old = await sendEditedEvent(access, JSON.stringify({ ...event, timestamp: Date.now() - 3 * 60_000 }));
    expect(old.warning).toMatch(/replyToken is 3 minutes old/);
    expect(replyTokenWarning({ timestamp: 0 }, Date.now())).toBeNull();
  });
});

describe("Redeliver in bulk", () => {
  test("a preview of the filter's failed events, then redeliveries in order with their progress", async () => {
    failing = true;
    const channel = await newChannel("Bulk bot");
    botSecret = channel.channelSecret;
    const { webhookEventIds } = await acceptEvents(
      channel,
      [
        { type: "message", userId: USER, text: "fail 1" },
        { type: "message", userId: USER, text: "fine" },
        { type: "message", userId: USER, text: "fail 2" },
        { type: "message", userId: USER, text: "fail 3" },
      ],
      "api",
    );
    await sendAll(async () => (await sends(channel.id)) === 4);
    const access = await accessOf(admin, channel.id);
    const preview = await previewBulkRedelivery(access, { ...NO_FILTER, reason: "error_status_code" });
    expect(preview).toMatchObject({
      events: 3,
      byFailure: [{ reason: "error_status_code", detail: "500", events: 3 }],
      staleReplyTokens: 0,
      refusal: null,
      webhookEventIds: [webhookEventIds[0], webhookEventIds[2], webhookEventIds[3]],
    });
    expect(preview.firstAt!.getTime()).toBeLessThanOrEqual(preview.lastAt!.getTime());
    await expect(previewBulkRedelivery(access, { ...NO_FILTER, outcome: "success" })).rejects.toThrow(/takes failed event sends/);

    failing = false;
    const before = bot.received.length;
    expect(await startBulkRedelivery(access, preview.webhookEventIds)).toBe(3);
    await sendAll(async () => (await sends(channel.id)) === 7);
    const redelivered = bot.received.slice(before).map((r) => JSON.parse(r.body).events[0]);
    expect(redelivered.map((e) => [e.webhookEventId, e.deliveryContext.isRedelivery])).toEqual([
      [webhookEventIds[0], true],
      [webhookEventIds[2], true],
      [webhookEventIds[3], true],
    ]);
    expect(await bulkRedeliveryProgress(access, preview.webhookEventIds)).toEqual({ waiting: 0, delivered: 3, failed: 0 });
    // Nothing is left to take.
    expect((await previewBulkRedelivery(access, { ...NO_FILTER, reason: "error_status_code" })).events).toBe(0);
  });

  test(`more than ${BULK_REDELIVERY_CAP.toLocaleString("en-US")} events are refused with a clear message, and nothing is queued`, async () => {
    const channel = await newChannel("Big bulk bot");
    const now = Date.now();
    const ids = Array.from({ length: BULK_REDELIVERY_CAP + 1 }, (_, i) => `01BULK${String(i).padStart(20, "0")}`);
    await db().webhookEvent.createMany({
      data: ids.map((webhookEventId, i) => ({
        webhookEventId,
        channelId: channel.id,
        type: "message",
        event: JSON.stringify({ type: "message", webhookEventId, timestamp: now, replyToken: "r" }),
        status: "failed",
        origin: "load",
        attempts: 1,
        createdAt: new Date(now + i),
      })),
    });
    await db().deliveryAttempt.createMany({
      data: ids.map((webhookEventId) => ({
        channelId: channel.id,
        webhookEventId,
        kind: "event",
        url: bot.url,
        startedAt: new Date(now),
        durationMs: 5,
        success: false,
        statusCode: 500,
        reason: "error_status_code",
        detail: "500",
        requestExcerpt: "",
      })),
    });
    const access = await accessOf(admin, channel.id);
    const preview = await previewBulkRedelivery(access, NO_FILTER);
    expect(preview.refusal).toBe("10,001 failed events match, more than the 10,000 one run may redeliver: narrow the filter (a shorter time range, one reason) and run it in parts.");
    expect(preview.webhookEventIds).toEqual([]);
    await expect(startBulkRedelivery(access, ids)).rejects.toThrow("One run redelivers at most 10,000 events; nothing was queued.");
    expect(await db().webhookEvent.count({ where: { channelId: channel.id, status: "failed" } })).toBe(BULK_REDELIVERY_CAP + 1);
  });
});
