import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getSendDetail, listDeliveryLog } from "@/lib/console/attempts";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { NO_FILTER } from "@/lib/console/delivery-log-search";
import { redeliverEvent } from "@/lib/console/events";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { checkWebhookEndpoint } from "@/lib/delivery/check";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents } from "@/lib/delivery/ingest";
import { deliveryStore } from "@/lib/delivery/runtime";
import { NotFoundError } from "@/lib/errors";
import { signBody } from "@/lib/webhook/signature";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";

let admin: string;
let bot: TestBot;
let failing = true;

beforeAll(async () => {
  admin = (await createUser("send-detail@example.com", "pw")).user.id;
  bot = await startBot((_req, res) => void res.writeHead(failing ? 500 : 200, { "x-answer": failing ? "no" : "yes" }).end(failing ? "down" : "OK"));
});

afterAll(async () => {
  await bot?.close();
  await closeWebhookConnections();
});

describe("a send's page", () => {
  test("shows the request as the bot got it, the response, and every send of its event", async () => {
    const provider = await createProvider(admin, "Detail");
    const { id } = await createChannel(admin, provider.id, { name: "Detail bot", description: "", email: "" });
    await updateWebhookUrl(await accessOf(admin, id), bot.url);
    await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
    const channel = await db().channel.findUniqueOrThrow({ where: { id } });
    const dispatcher = new Dispatcher({ store: deliveryStore(), channelConcurrency: 1, leaseMs: 30_000, pollMs: 20 });
    dispatcher.start();
    try {
      const [eventId] = (await acceptEvents(channel, [{ type: "message", userId: `U${"c".repeat(32)}`, text: "héllo" }], "api")).webhookEventIds;
      await waitUntil(async () => (await db().deliveryAttempt.count({ where: { channelId: id } })) === 1);
      failing = false;
      await redeliverEvent(await accessOf(admin, id), eventId);
      await waitUntil(async () => (await db().deliveryAttempt.count({ where: { channelId: id } })) === 2);
    } finally {
      await dispatcher.stop();
    }
    const access = await accessOf(admin, id);
    const [second, first] = (await listDeliveryLog(access, { filter: NO_FILTER, page: null })).attempts;
    const detail = await getSendDetail(access, first.id);
    expect(detail.body).toBe(bot.received[0].body);
    expect(detail.bodyBytes).toBe(Buffer.byteLength(bot.received[0].body));
    expect(detail.bodyComplete).toBe(true);
    const headers = Object.fromEntries(detail.requestHeaders!.map(([name, value]) => [name.toLowerCase(), value]));
    expect(headers).toEqual(bot.received[0].headers);
    expect(headers["x-line-signature"]).toBe(signBody(channel.channelSecret, bot.received[0].body));
    expect(detail.responseHeaders).toContainEqual(["x-answer", "no"]);
    expect(detail).toMatchObject({ statusCode: 500, responseExcerpt: "down", responseBytes: 4, remoteAddress: `127.0.0.1:${new URL(bot.url).port}`, httpVersion: "1.1" });
    expect(detail.eventSends.map((s) => [s.id, s.isRedelivery, s.statusCode])).toEqual([
      [first.id, false, 500],
      [second.id, true, 200],
    ]);
    expect(detail.eventSends.map((s) => s.body)).toEqual(bot.received.map((r) => r.body));

    // A Verify's body is the request it stored.
    await checkWebhookEndpoint(channel, bot.url, "verify");
    const [verify] = (await listDeliveryLog(access, { filter: { ...NO_FILTER, kind: "verify" }, page: null })).attempts;
    const verifyDetail = await getSendDetail(access, verify.id);
    expect(verifyDetail.body).toBe(bot.received[2].body);
    expect(verifyDetail.eventSends).toEqual([]);

    // Another channel's send is not found from this one.
    const other = await createChannel(admin, provider.id, { name: "Other", description: "", email: "" });
    await expect(getSendDetail(await accessOf(admin, other.id), first.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
