import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore, EventOutcome } from "@/lib/delivery/store";
import { env } from "@/lib/env";
import { deliverOutbox, processDueNotifications } from "@/lib/notify/notifier";
import { createProvider } from "@/lib/console/providers";
import { formatUtc9 } from "@/lib/time";
import { createUser } from "@/lib/auth/users";
import type { Failure } from "@/lib/webhook/reasons";
import { accessOf, joinChannel } from "../support/access";

const MIN = 60_000;
const T0 = Date.parse("2025-06-30T23:58:00+09:00");
const E500: Failure = { reason: "error_status_code", detail: "500" };
const TIMEOUT: Failure = { reason: "request_timeout", detail: "Request timeout" };

let adminId: string;
let providerId: string;
let store: DeliveryStore;

/** Records failed sends through the real store, each detected at its time (its send ending then). */
async function recordFailures(channelId: string, failure: Failure, detectedAts: number[], attemptsBefore = 0) {
  const outcomes: EventOutcome[] = detectedAts.map((detectedAt) => ({
    seq: 0,
    attemptsBefore,
    attempt: {
      channelId,
      webhookEventId: null,
      kind: "event",
      isRedelivery: attemptsBefore > 0,
      url: "http://127.0.0.1:9/callback",
      startedAt: detectedAt - 12,
      durationMs: 12,
      statusCode: failure.reason === "error_status_code" ? Number(failure.detail) : undefined,
      failure,
      requestExcerpt: "{}",
    },
  }));
  await store.recordOutcomes(outcomes, Math.max(...detectedAts));
}

/** A channel with Error notification on, the test's Admin as Admin and a contact email. */
async function notifiedChannel(name: string, options: { redelivery?: boolean; email?: string } = {}) {
  const { id } = await createChannel(adminId, providerId, { name, description: "", email: options.email ?? "" });
  await db().channel.update({
    where: { id },
    data: { errorNotification: true, useWebhook: true, webhookRedelivery: options.redelivery ?? false },
  });
  return id;
}

/** The channel's notification emails (the invitations its members joined with are not). */
function emailsOf(channelId: string) {
  return db().emailMessage.findMany({ where: { channelId, NOT: { subject: { startsWith: "You are invited" } } }, orderBy: { id: "asc" } });
}

beforeAll(async () => {
  adminId = (await createUser("notify-admin@example.com", "pw")).user.id;
  providerId = (await createProvider(adminId, "Notifications")).id;
  // One redelivery 10 s after the first failure; an event failing twice is given up on.
  store = openDeliveryStore([10_000]);
});

afterAll(async () => {
  await store?.close();
});

describe("error notification emails", () => {
  test("100 failures within 5 minutes make exactly one email, not before the 5 minutes are over", async () => {
    const channelId = await notifiedChannel("Flood bot", { email: "Ops@Example.com" });
    // Ten batches of ten, spread over 4 min 50 s, as the dispatcher would record them.
    for (let batch = 0; batch < 10; batch++) {
      await recordFailures(channelId, E500, Array.from({ length: 10 }, (_, i) => T0 + batch * 29_000 + i * 100));
    }
    expect(await processDueNotifications(T0 + 5 * MIN - 1)).toBe(0);
    expect(await emailsOf(channelId)).toHaveLength(0);

    expect(await processDueNotifications(T0 + 5 * MIN)).toBe(1);
    const [email] = await emailsOf(channelId);
    expect(email.subject).toBe("Messaging API: Your bot server returned no response or an error - Flood bot");
    expect(email.to).toBe("ops@example.com, notify-admin@example.com");
    expect(email.text).toContain(`Channel ID: ${channelId}\n`);
    expect(email.text).toContain("Channel name: Flood bot\n");
    expect(email.text).toContain("Reason for error: error_status_code\n");
    expect(email.text).toContain("Detail for error: 500\n");
    expect(email.text).toContain("Error count: 100\n");
    expect(email.text).toContain("Time detected: 2025-06-30 23:58:00 (UTC+9)\n");
    expect(email.text).toContain(`URL: ${env().consoleUrl}/channels/${channelId}/webhook-errors\n`);
  });

  test("running again, or two notifiers at once, makes no second email (crash safety)", async () => {
    const channelId = await notifiedChannel("Twice bot");
    await recordFailures(channelId, E500, [T0]);
    const made = await Promise.all([processDueNotifications(T0 + 6 * MIN), processDueNotifications(T0 + 6 * MIN)]);
    expect(made[0] + made[1]).toBe(1);
    expect(await processDueNotifications(T0 + 60 * MIN)).toBe(0);
    expect(await emailsOf(channelId)).toHaveLength(1);
    const groups = await db().notificationGroup.findMany({ where: { channelId } });
    expect(groups).toHaveLength(1);
    expect(groups[0].emailedAt).not.toBeNull();
  });

  test("a failure 6 minutes after the first starts a second email", async () => {
    const channelId = await notifiedChannel("Late bot");
    await recordFailures(channelId, E500, [T0, T0 + 2 * MIN]);
    await recordFailures(channelId, E500, [T0 + 6 * MIN]);
    expect(await processDueNotifications(T0 + 6 * MIN)).toBe(1);
    expect(await processDueNotifications(T0 + 11 * MIN - 1)).toBe(0);
    expect(await processDueNotifications(T0 + 11 * MIN)).toBe(1);
    const emails = await emailsOf(channelId);
    expect(emails.map((e) => e.text.match(/Error count: (\d+)/)?.[1])).toEqual(["2", "1"]);
    expect(emails[1].text).toContain(`Time detected: ${formatUtc9(new Date(T0 + 6 * MIN))} (UTC+9)`);
  });

  test("different (reason, detail) pairs get their own emails", async () => {
    const channelId = await notifiedChannel("Mixed bot");
    await recordFailures(channelId, E500, [T0, T0 + 1000]);
    await recordFailures(channelId, TIMEOUT, [T0 + 2000]);
    expect(await processDueNotifications(T0 + 10 * MIN)).toBe(2);
    const texts = (await emailsOf(channelId)).map((e) => e.text);
    expect(texts.some((t) => t.includes("Detail for error: 500\n") && t.includes("Error count: 2\n"))).toBe(true);
    expect(texts.some((t) => t.includes("Detail for error: Request timeout\n") && t.includes("Error count: 1\n"))).toBe(true);
  });

  test("redelivery giving up sends the Webhook redelivery stopped email", async () => {
    const channelId = await notifiedChannel("Stopped bot", { redelivery: true });
    // First failure: a redelivery is scheduled, nothing stops.
    await recordFailures(channelId, E500, [T0], 0);
    // The redelivery fails too and the schedule is over: redelivery stops.
    await recordFailures(channelId, E500, [T0 + 10_000], 1);
    expect(await processDueNotifications(T0 + 10 * MIN)).toBe(2);
    const subjects = (await emailsOf(channelId)).map((e) => e.subject).sort();
    expect(subjects).toEqual([
      "Messaging API: Webhook redelivery stopped - Stopped bot",
      "Messaging API: Your bot server returned no response or an error - Stopped bot",
    ]);
    const stopped = (await emailsOf(channelId)).find((e) => e.subject.includes("redelivery stopped"));
    expect(stopped?.text).toContain("Error count: 1\n");
  });

  test("no email once Error notification is turned off, and none while it is off", async () => {
    const channelId = await notifiedChannel("Quiet bot");
    await recordFailures(channelId, E500, [T0]);
    await db().channel.update({ where: { id: channelId }, data: { errorNotification: false } });
    await recordFailures(channelId, E500, [T0 + 1000]);
    expect(await processDueNotifications(T0 + 10 * MIN)).toBe(0);
    expect(await emailsOf(channelId)).toHaveLength(0);
    const groups = await db().notificationGroup.findMany({ where: { channelId } });
    expect(groups.map((g) => [g.count, g.emailedAt !== null])).toEqual([[1, true]]);
  });

  test("every Admin and the contact email receive it, Members and Testers do not", async () => {
    const channelId = await notifiedChannel("Team bot", { email: "team@example.com" });
    await joinChannel(await accessOf(adminId, channelId), "notify-admin2@example.com", "ADMIN");
    await joinChannel(await accessOf(adminId, channelId), "notify-member@example.com", "MEMBER");
    await joinChannel(await accessOf(adminId, channelId), "notify-tester@example.com", "TESTER");
    await recordFailures(channelId, E500, [T0]);
    await processDueNotifications(T0 + 10 * MIN);
    const [email] = await emailsOf(channelId);
    expect(email.to.split(", ").sort()).toEqual(["notify-admin2@example.com", "notify-admin@example.com", "team@example.com"]);
  });

  test("without SMTP, an email is in the local outbox at once", async () => {
    const channelId = await notifiedChannel("Local bot");
    await recordFailures(channelId, E500, [T0]);
    await processDueNotifications(T0 + 10 * MIN);
    await deliverOutbox(T0 + 10 * MIN + 5000, null);
    const [email] = await emailsOf(channelId);
    expect(email.sentAt?.getTime()).toBe(email.createdAt.getTime());
    expect(email.attempts).toBe(0);
    expect(email.lastError).toBeNull();
  });
});
