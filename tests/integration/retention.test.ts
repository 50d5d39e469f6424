import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createUser } from "@/lib/auth/users";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { db } from "@/lib/db";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents } from "@/lib/delivery/ingest";
import { EventStatus } from "@/lib/delivery/lifecycle";
import { deliveryStore } from "@/lib/delivery/runtime";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { startBot } from "../support/bots";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";
import { openPruneStore, pruneOnce } from "@/lib/retention/pruner";
import type { PruneStore } from "@/lib/retention/prune-store";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();
const SETTINGS = { eventsDays: 14, errorStatisticsDays: 400, emailsDays: 30 };
let channelId: string;
let admin: string;
let providerId: string;
let store: PruneStore;
let n = 0;

async function event(status: string, ageDays: number, attempts = 1) {
  const webhookEventId = `01RETENTION${String(n++).padStart(15, "0")}`;
  const at = new Date(NOW - ageDays * DAY);
  const finished = ["delivered", "failed", "skipped"].includes(status);
  await db().webhookEvent.create({
    data: {
      webhookEventId,
      channelId,
      type: "follow",
      event: "{}",
      status,
      origin: "api",
      attempts,
      createdAt: at,
      finishedAt: finished ? at : null,
      nextAttemptAt: status === "retrying" ? at : null,
      lockedBy: status === "sending" ? "gone" : null,
      lockedUntil: status === "sending" ? at : null,
    },
  });
  for (let i = 0; i < attempts; i++) await attempt(webhookEventId, at);
  return webhookEventId;
}

function attempt(webhookEventId: string | null, startedAt: Date) {
  return db().deliveryAttempt.create({
    data: {
      channelId,
      webhookEventId,
      kind: webhookEventId ? "event" : "verify",
      url: "https://bot.example.com/",
      startedAt,
      durationMs: 1,
      success: true,
      statusCode: 200,
      requestExcerpt: "",
    },
  });
}

function email(ageDays: number, state: "sent" | "queued" | "failed") {
  return db().emailMessage.create({
    data: {
      channelId,
      to: "a@example.com",
      subject: "s",
      text: "t",
      html: "h",
      createdAt: new Date(NOW - ageDays * DAY),
      sentAt: state === "sent" ? new Date(NOW - ageDays * DAY) : null,
      attempts: state === "failed" ? 10 : state === "sent" ? 1 : 0,
    },
  });
}

beforeAll(async () => {
  admin = (await createUser("retention@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Retention")).id;
  channelId = (await createChannel(admin, providerId, { name: "Retention", description: "", email: "" })).id;
  store = openPruneStore();
});

afterAll(async () => {
  await store?.close();
  await closeWebhookConnections();
});

describe("pruning", () => {
  test("deletes what is past its retention in small batches, and never an event still to be sent", async () => {
    const old: string[] = [];
    const kept: string[] = [];
    // Unfinished events of any age sit among the old finished ones.
    for (let i = 0; i < 10; i++) {
      old.push(await event(["delivered", "failed", "skipped"][i % 3]!, 20 + i, i % 3 === 2 ? 0 : 2));
      if (i % 4 === 0) kept.push(await event(["pending", "sending", "retrying"][i % 3]!, 30));
    }
    // Rows are written in time order, as they are in use: the scans rely on it.
    await attempt(null, new Date(NOW - 15 * DAY));
    kept.push(await event("delivered", 13));
    await attempt(null, new Date(NOW - 2 * DAY));
    kept.push(await event("failed", 1), await event("pending", 0));

    const stat = (ageDays: number) => ({
      channelId,
      windowStart: new Date(NOW - ageDays * DAY),
      reason: "could_not_connect",
      detail: "Connection failed",
      firstAt: new Date(NOW - ageDays * DAY),
      lastAt: new Date(NOW - ageDays * DAY),
      count: 1,
    });
    await db().errorStat.createMany({ data: [stat(401), stat(402), stat(399)] });
    const hour = (ageDays: number) => ({
      channelId,
      hourStart: new Date(NOW - ageDays * DAY),
      reason: "could_not_connect",
      detail: "Connection failed",
      count: 1,
      rows: 1,
    });
    await db().errorStatHour.createMany({ data: [hour(401), hour(399)] });

    await email(31, "sent");
    await email(31, "failed");
    await email(31, "queued");
    await email(29, "sent");
    const group = (emailedDaysAgo: number | null) => ({
      channelId,
      kind: "error",
      reason: "could_not_connect",
      detail: "Connection failed",
      openedAt: new Date(NOW - 40 * DAY),
      lastAt: new Date(NOW - 40 * DAY),
      count: 1,
      emailedAt: emailedDaysAgo === null ? null : new Date(NOW - emailedDaysAgo * DAY),
    });
    await db().notificationGroup.createMany({ data: [group(31), group(29), group(null)] });
    const key = (hoursAgo: number, retryKey: string) => ({
      channelId,
      retryKey,
      requestId: "r",
      webhookEventIds: "[]",
      willSend: true,
      createdAt: new Date(NOW - hoursAgo * 60 * 60 * 1000),
    });
    await db().ingestRetryKey.createMany({ data: [key(25, "old"), key(23, "new")] });
    const messageKey = (hoursAgo: number, retryKey: string) => ({
      channelId,
      retryKey,
      requestId: "r",
      response: "{}",
      createdAt: new Date(NOW - hoursAgo * 60 * 60 * 1000),
    });
    await db().messageRetryKey.createMany({ data: [messageKey(25, "old"), messageKey(24.5, "older"), messageKey(23, "new")] });
    const botMessage = (id: string, daysAgo: number) => ({
      id,
      channelId,
      kind: "push",
      to: `U${"1".repeat(32)}`,
      requestId: "r",
      message: '{"type":"text","text":"hi"}',
      createdAt: new Date(NOW - daysAgo * DAY),
    });
    await db().botMessage.createMany({ data: [botMessage("1", SETTINGS.eventsDays + 1), botMessage("2", SETTINGS.eventsDays - 1)] });
    const refusal = (to: string, daysAgo: number) => ({
      channelId,
      kind: "push",
      to,
      requestId: "r",
      status: 400,
      error: '{"message":"The request body has 1 error(s)"}',
      createdAt: new Date(NOW - daysAgo * DAY),
    });
    await db().botSendError.createMany({ data: [refusal("old", SETTINGS.eventsDays + 1), refusal("new", SETTINGS.eventsDays - 1)] });
    const used = (webhookEventId: string, minutesAgo: number) => ({ webhookEventId, channelId, usedAt: new Date(NOW - minutesAgo * 60_000) });
    await db().replyTokenUse.createMany({ data: [used("OLD", 21), used("NEW", 19)] });

    const counts = await pruneOnce(store, SETTINGS, NOW, { batchRows: 3, pauseMs: 0 });

    expect(counts).toEqual({ events: 10, attempts: 7 * 2 + 1, errorStatistics: 3, emails: 2, notificationGroups: 1, retryKeys: 3, chats: 3 });
    const left = await db().webhookEvent.findMany({ where: { channelId }, select: { webhookEventId: true } });
    expect(left.map((e) => e.webhookEventId).sort()).toEqual(kept.sort());
    expect(await db().deliveryAttempt.count({ where: { webhookEventId: { in: old } } })).toBe(0);
    expect(await db().deliveryAttempt.count({ where: { webhookEventId: { in: kept } } })).toBe(kept.length);
    expect(await db().deliveryAttempt.count({ where: { channelId, webhookEventId: null } })).toBe(1);
    expect(await db().errorStat.count({ where: { channelId } })).toBe(1);
    expect(await db().errorStatHour.count({ where: { channelId } })).toBe(1);
    const emails = await db().emailMessage.findMany({ where: { channelId }, select: { sentAt: true, attempts: true } });
    expect(emails).toHaveLength(2);
    expect(emails.filter((e) => e.sentAt === null && e.attempts === 0)).toHaveLength(1);
    expect(await db().notificationGroup.count({ where: { channelId } })).toBe(2);
    expect((await db().ingestRetryKey.findMany({ where: { channelId } })).map((k) => k.retryKey)).toEqual(["new"]);
    expect((await db().messageRetryKey.findMany({ where: { channelId } })).map((k) => k.retryKey)).toEqual(["new"]);
    expect((await db().botMessage.findMany({ where: { channelId } })).map((m) => m.id)).toEqual(["2"]);
    expect((await db().botSendError.findMany({ where: { channelId } })).map((e) => e.to)).toEqual(["new"]);
    expect((await db().replyTokenUse.findMany({ where: { channelId } })).map((u) => u.webhookEventId)).toEqual(["NEW"]);

    // A second run finds nothing more to delete.
    expect(await pruneOnce(store, SETTINGS, NOW, { batchRows: 3, pauseMs: 0 })).toEqual({
      events: 0,
      attempts: 0,
      errorStatistics: 0,
      emails: 0,
      notificationGroups: 0,
      retryKeys: 0,
      chats: 0,
    });
  });

  test("pruning while a dispatcher delivers loses no event and sends none twice", async () => {
    const old = Date.now() - 30 * DAY;
    const { id: oldChannel } = await createChannel(admin, providerId, { name: "Old", description: "", email: "" });
    const ids = Array.from({ length: 3000 }, (_, i) => `01PRUNEDOLD${String(i).padStart(15, "0")}`);
    await db().webhookEvent.createMany({
      data: ids.map((webhookEventId) => ({
        webhookEventId,
        channelId: oldChannel,
        type: "follow",
        event: "{}",
        status: "delivered",
        origin: "load",
        attempts: 1,
        createdAt: new Date(old),
        finishedAt: new Date(old),
      })),
    });
    await db().deliveryAttempt.createMany({
      data: ids.map((webhookEventId) => ({
        channelId: oldChannel,
        webhookEventId,
        kind: "event",
        url: "http://127.0.0.1/",
        startedAt: new Date(old),
        durationMs: 1,
        success: true,
        statusCode: 200,
        requestExcerpt: "",
      })),
    });

    const bot = await startBot();
    const { id } = await createChannel(admin, providerId, { name: "Busy", description: "", email: "" });
    await updateWebhookUrl(await accessOf(admin, id), bot.url);
    await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
    const dispatcher = new Dispatcher({ store: deliveryStore(), channelConcurrency: 8, leaseMs: 30_000, pollMs: 50 });
    dispatcher.start();
    try {
      const accepted: string[] = [];
      const pruning = pruneOnce(store, SETTINGS, Date.now(), { batchRows: 100, pauseMs: 0 });
      for (let i = 0; i < 10; i++) {
        const specs = Array.from({ length: 30 }, (_, j) => ({ type: "message" as const, userId: `U${"9".repeat(32)}`, text: `${i}.${j}` }));
        accepted.push(...(await acceptEvents({ id, useWebhook: true }, specs, "api")).webhookEventIds);
      }
      expect((await pruning).events).toBe(3000);
      await waitUntil(async () => (await db().webhookEvent.count({ where: { channelId: id, status: EventStatus.delivered } })) === 300);
      const sent = bot.received.map((r) => JSON.parse(r.body).events[0].webhookEventId as string);
      expect(sent.sort()).toEqual([...accepted].sort());
      expect(await db().deliveryAttempt.count({ where: { channelId: id } })).toBe(300);
      expect(await db().webhookEvent.count({ where: { channelId: oldChannel } })).toBe(0);
      expect(await db().deliveryAttempt.count({ where: { channelId: oldChannel } })).toBe(0);
    } finally {
      await dispatcher.stop();
      await bot.close();
    }
  });
});
