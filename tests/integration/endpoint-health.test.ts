import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { getEndpointHealth } from "@/lib/console/endpoint-health";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents } from "@/lib/delivery/ingest";
import { deliveryStore } from "@/lib/delivery/runtime";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";

const USER = `U${"f".repeat(32)}`;
let admin: string;
let bot: TestBot;
let failing = false;

beforeAll(async () => {
  admin = (await createUser("health@example.com", "pw")).user.id;
  bot = await startBot((_req, res) => void res.writeHead(failing ? 503 : 200).end());
});

afterAll(async () => {
  await bot?.close();
  await closeWebhookConnections();
});

describe("endpoint health", () => {
  test("an outage from its first failure to the recovery, the rate, the latency and the redeliveries to come", async () => {
    const provider = await createProvider(admin, "Health");
    const { id } = await createChannel(admin, provider.id, { name: "Health bot", description: "", email: "" });
    await updateWebhookUrl(await accessOf(admin, id), bot.url);
    await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
    await setWebhookSetting(await accessOf(admin, id), "webhookRedelivery", true);
    const channel = await db().channel.findUniqueOrThrow({ where: { id } });
    const start = Date.now();
    const dispatcher = new Dispatcher({ store: deliveryStore(), channelConcurrency: 1, leaseMs: 30_000, pollMs: 20 });
    dispatcher.start();
    const sendOne = async (text: string) => {
      const before = await db().deliveryAttempt.count({ where: { channelId: id } });
      await acceptEvents(channel, [{ type: "message", userId: USER, text }], "api");
      await waitUntil(async () => (await db().deliveryAttempt.count({ where: { channelId: id } })) === before + 1);
    };
    try {
      await sendOne("fine");
      failing = true;
      await sendOne("down 1");
      await sendOne("down 2");
      failing = false;
      await sendOne("back");
    } finally {
      await dispatcher.stop();
    }
    const health = await getEndpointHealth(await accessOf(admin, id), start - 1000, Date.now() + 1000);
    expect(health).toMatchObject({ sends: 4, successes: 2, successRate: 0.5, overDeadline: 0, capped: false, pendingCount: 2 });
    const attempts = await db().deliveryAttempt.findMany({ where: { channelId: id }, orderBy: { id: "asc" } });
    expect(health.outages).toEqual([
      { from: attempts[1].startedAt, recoveredAt: attempts[3].startedAt, failures: 2, byFailure: [{ reason: "error_status_code", detail: "503", count: 2 }] },
    ]);
    expect(health.lastSuccess).toEqual(attempts[3].startedAt);
    expect(health.latency!.p99).toBe(Math.max(...attempts.map((a) => a.durationMs)));
    expect(health.pending.map((p) => p.attempts)).toEqual([1, 1]);
    expect(health.pending[0].nextAttemptAt!.getTime()).toBeGreaterThan(attempts[1].startedAt.getTime());
  });
});
