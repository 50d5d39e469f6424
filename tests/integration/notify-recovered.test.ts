import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore, EventOutcome } from "@/lib/delivery/store";
import { env } from "@/lib/env";
import { processDueNotifications, processRecoveries } from "@/lib/notify/notifier";
import { formatUtc9 } from "@/lib/time";
import type { Failure } from "@/lib/webhook/reasons";

const MIN = 60_000;
const T0 = Date.parse("2025-07-01T10:00:00+09:00");
const E500: Failure = { reason: "error_status_code", detail: "500" };
const TIMEOUT: Failure = { reason: "request_timeout", detail: "Request timeout" };

let adminId: string;
let providerId: string;
let store: DeliveryStore;

/** Records event sends through the real store: a failure, or a success when `failure` is null. */
async function record(channelId: string, failure: Failure | null, at: number, webhookEventId: string | null = null) {
  const outcome: EventOutcome = {
    seq: 0,
    attemptsBefore: 0,
    attempt: {
      channelId,
      webhookEventId,
      kind: "event",
      isRedelivery: false,
      url: "http://127.0.0.1:9/callback",
      startedAt: at - 12,
      durationMs: 12,
      statusCode: failure ? (failure.reason === "error_status_code" ? Number(failure.detail) : undefined) : 200,
      failure,
      requestExcerpt: "{}",
      ...(webhookEventId ? { eventType: "message" } : {}),
    },
  };
  await store.recordOutcomes([outcome], at);
}

async function notifiedChannel(name: string) {
  const { id } = await createChannel(adminId, providerId, { name, description: "", email: "ops@example.com" });
  await db().channel.update({ where: { id }, data: { errorNotification: true, useWebhook: true } });
  return id;
}

const emailsOf = (channelId: string) => db().emailMessage.findMany({ where: { channelId }, orderBy: { id: "asc" } });

beforeAll(async () => {
  adminId = (await createUser("recovered-admin@example.com", "pw")).user.id;
  providerId = (await createProvider(adminId, "Recovered")).id;
  store = openDeliveryStore([]);
});

afterAll(async () => {
  await store?.close();
});

describe("the recovered email", () => {
  test("error emails name the event type and a sample webhookEventId", async () => {
    const channelId = await notifiedChannel("Sample bot");
    await record(channelId, E500, T0, "01SAMPLEEVENT0000000000000");
    expect(await processDueNotifications(T0 + 5 * MIN)).toBeGreaterThanOrEqual(1);
    const [email] = await emailsOf(channelId);
    // After LINE's seven fields, which end with the URL.
    expect(email.text).toContain("/webhook-errors\nEvent type: message\nSample webhookEventId: 01SAMPLEEVENT0000000000000\n");
    expect(email.html).toContain("01SAMPLEEVENT0000000000000");
  });

  test("once an emailed failure stops, the next success sends one short email saying since when", async () => {
    const channelId = await notifiedChannel("Recovering bot");
    await record(channelId, E500, T0);
    await record(channelId, TIMEOUT, T0 + 1000);
    await processDueNotifications(T0 + 6 * MIN);
    expect(await emailsOf(channelId)).toHaveLength(2);
    // Still failing: nothing to say.
    expect(await processRecoveries(T0 + 6 * MIN)).toBe(0);

    const backAt = T0 + 7 * MIN;
    await record(channelId, null, backAt);
    expect(await processRecoveries(T0 + 8 * MIN)).toBe(1);
    const emails = await emailsOf(channelId);
    expect(emails).toHaveLength(3);
    const recovered = emails[2];
    expect(recovered.subject).toBe("Messaging API: Your bot server is answering again - Recovering bot");
    expect(recovered.text).toBe(
      [
        "Your bot server is answering webhooks of this channel again, after the errors we emailed you about.",
        "",
        `Channel ID: ${channelId}`,
        "Channel name: Recovering bot",
        `Recovered: error_status_code · 500 (failing since ${formatUtc9(new Date(T0))} UTC+9)`,
        `Recovered: request_timeout · Request timeout (failing since ${formatUtc9(new Date(T0 + 1000))} UTC+9)`,
        `Working again since: ${formatUtc9(new Date(backAt - 12))} (UTC+9)`,
        `URL: ${env().consoleUrl}/channels/${channelId}/webhook-errors`,
        "",
      ].join("\n"),
    );
    // Once only.
    await record(channelId, null, backAt + MIN);
    expect(await processRecoveries(T0 + 10 * MIN)).toBe(0);
    expect(await emailsOf(channelId)).toHaveLength(3);
  });

  test("a failure that came back in a newer group waits for that group's recovery", async () => {
    const channelId = await notifiedChannel("Flapping bot");
    await record(channelId, E500, T0);
    await processDueNotifications(T0 + 5 * MIN);
    await record(channelId, null, T0 + 6 * MIN);
    await record(channelId, E500, T0 + 7 * MIN);
    // The first group is recovered by the success, but a newer group of the same failure opened.
    expect(await processRecoveries(T0 + 8 * MIN)).toBe(0);
    await processDueNotifications(T0 + 12 * MIN);
    await record(channelId, null, T0 + 13 * MIN);
    expect(await processRecoveries(T0 + 14 * MIN)).toBe(1);
    const emails = await emailsOf(channelId);
    expect(emails.map((e) => e.subject.split(" - ")[0])).toEqual([
      "Messaging API: Your bot server returned no response or an error",
      "Messaging API: Your bot server returned no response or an error",
      "Messaging API: Your bot server is answering again",
    ]);
    expect(emails[2].text).toContain(`failing since ${formatUtc9(new Date(T0 + 7 * MIN))} UTC+9`);
  });
});
