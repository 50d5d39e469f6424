import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createUser } from "@/lib/auth/users";
import { findUrlRefusal } from "@/lib/console/attempts";
import { createChannel, setWebhookSetting, updateWebhookUrl, verifyWebhook } from "@/lib/console/channels";
import { redeliverEvent } from "@/lib/console/events";
import { createProvider } from "@/lib/console/providers";
import { db } from "@/lib/db";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents } from "@/lib/delivery/ingest";
import { closeDeliveryStore, openDeliveryStore, sendSettings } from "@/lib/delivery/runtime";
import type { DeliveryStore } from "@/lib/delivery/store";
import { testWebhookEndpoint } from "@/lib/http/messaging-api";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import type { UrlPolicy } from "@/lib/webhook/url";
import { accessOf } from "./access";
import { startDns, type TestDns } from "./dns";
import { waitUntil } from "./wait";

/** A public-looking name whose A record, on the test's own DNS server, is loopback. */
const NAME = "hooks.bot-provider.example";
const USER = `U${"7".repeat(32)}`;
const REFUSED = "Refused by the URL policy: 127.0.0.1 is a loopback address (127.0.0.0/8).";
/** A name that is public at its first lookup and loopback at every later one: DNS rebinding. */
const REBINDING = "rebind.bot-provider.example";

/**
 * The DNS attack on the URL policy, through every send path: a Webhook URL whose name resolves
 * to 127.0.0.1, where a bot listens and counts the TCP connections it gets. Under "line" the
 * event send, its redelivery, Verify and the test endpoint are all refused, logged as refused,
 * and never reach the bot; under "local" all four are sent. WEBHOOK_URL_POLICY and
 * WEBHOOK_DNS_SERVERS are set before anything reads the environment, so each policy needs a
 * test file (a process) of its own.
 */
export function describeUrlPolicyAttack(policy: UrlPolicy): void {
  let dns: TestDns;
  let bot: Server;
  let url: string;
  let connections = 0;
  const requests: string[] = [];
  let store: DeliveryStore;
  let admin: string;
  let channelId: string;

  beforeAll(async () => {
    dns = await startDns({ [NAME]: "127.0.0.1", [REBINDING]: ["203.0.113.10", "127.0.0.1"] });
    process.env.WEBHOOK_URL_POLICY = policy;
    process.env.WEBHOOK_DNS_SERVERS = dns.server;
    // The first request fails, so that an event send is followed by a scheduled redelivery.
    bot = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        requests.push(req.url ?? "");
        res.writeHead(requests.length === 1 ? 503 : 200).end("OK");
      });
    });
    bot.on("connection", () => connections++);
    await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
    const { port } = bot.address() as AddressInfo;
    // "line" saves only https URLs; the bot never gets far enough to be asked for TLS.
    url = `${policy === "line" ? "https" : "http"}://${NAME}:${port}/callback`;

    admin = (await createUser(`url-policy-${policy}@example.com`, "pw")).user.id;
    const providerId = (await createProvider(admin, "URL policy")).id;
    channelId = (await createChannel(admin, providerId, { name: "URL policy", description: "", email: "" })).id;
    await updateWebhookUrl(await accessOf(admin, channelId), url);
    for (const key of ["useWebhook", "webhookRedelivery", "errorStatisticsAggregation"] as const) {
      await setWebhookSetting(await accessOf(admin, channelId), key, true);
    }
    store = openDeliveryStore([50]);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      bot.closeAllConnections();
      bot.close(() => resolve());
    });
    await dns.close();
    await closeWebhookConnections();
    await store.close();
    await closeDeliveryStore();
  });

  const attempts = () => db().deliveryAttempt.findMany({ where: { channelId }, orderBy: { id: "asc" } });
  const eventStatus = async (id: string) => (await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).status;

  /** Runs a dispatcher with the process's send settings until `done`. */
  async function dispatchUntil(done: () => Promise<boolean>): Promise<void> {
    const dispatcher = new Dispatcher({ store, channelConcurrency: 4, leaseMs: 30_000, pollMs: 25, send: sendSettings() });
    dispatcher.start();
    try {
      await waitUntil(done, 15_000);
    } finally {
      await dispatcher.stop();
    }
  }

  describe(`under WEBHOOK_URL_POLICY=${policy}, a name that resolves to 127.0.0.1`, () => {
    if (policy === "line") {
      test("is refused for an event send and its redelivery: logged as refused, counted nowhere, never connected to", async () => {
        const channel = await accessOf(admin, channelId);
        const [id] = (await acceptEvents(channel.channel, [{ type: "message", userId: USER, text: "hi" }], "api")).webhookEventIds;
        await dispatchUntil(async () => (await eventStatus(id)) === "failed" && (await attempts()).length === 1);
        // A refusal is final: no redelivery is scheduled for it.
        expect((await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).nextAttemptAt).toBeNull();

        await redeliverEvent(channel, id);
        await dispatchUntil(async () => (await eventStatus(id)) === "failed" && (await attempts()).length === 2);

        const logged = await attempts();
        expect(logged.map((a) => [a.kind, a.isRedelivery, a.success, a.reason, a.detail])).toEqual([
          ["event", false, false, null, REFUSED],
          ["event", true, false, null, REFUSED],
        ]);
        // The name was looked up on the test's DNS server, and the address it gave was refused.
        expect(dns.queries).toContain(`A ${NAME}`);
        expect(connections).toBe(0);
        expect(await db().errorStat.count({ where: { channelId } })).toBe(0);
        expect(await db().errorStatHour.count({ where: { channelId } })).toBe(0);
        expect(await db().notificationGroup.count({ where: { channelId } })).toBe(0);
        // The Messaging API tab's Webhook URL row reads this to say why nothing is sent.
        expect(await findUrlRefusal(await accessOf(admin, channelId))).toBe(`The last send to this URL was not made. ${REFUSED}`);
      });

      test("is refused for Verify, which says why", async () => {
        const result = await verifyWebhook(await accessOf(admin, channelId));
        expect(result).toMatchObject({ success: false, statusCode: 0, reason: null, refusal: REFUSED, message: REFUSED });
        expect(connections).toBe(0);
      });

      test("is refused by the test endpoint, for the saved URL and for one given as endpoint", async () => {
        expect(await testWebhookEndpoint(channelId)).toEqual({ ok: false, problem: REFUSED });
        expect(await testWebhookEndpoint(channelId, url.replace("/callback", "/other"))).toEqual({ ok: false, problem: REFUSED });
        expect(connections).toBe(0);
        const checks = (await attempts()).filter((a) => a.kind !== "event");
        expect(checks.map((a) => [a.kind, a.success, a.reason, a.detail])).toEqual([
          ["verify", false, null, REFUSED],
          ["test", false, null, REFUSED],
          ["test", false, null, REFUSED],
        ]);
        expect(await db().errorStat.count({ where: { channelId } })).toBe(0);
      });

      test("a URL saved under the local policy is refused once the line policy is in force, and its row says why", async () => {
        const { port } = bot.address() as AddressInfo;
        for (const [saved, refusal] of [
          [`https://127.0.0.1:${port}/callback`, REFUSED],
          [`http://127.0.0.1:${port}/callback`, `Refused by the URL policy: http://127.0.0.1:${port} is not an https URL.`],
        ]) {
          await db().channel.update({ where: { id: channelId }, data: { webhookUrl: saved } });
          const access = await accessOf(admin, channelId);
          expect((await verifyWebhook(access)).refusal).toBe(refusal);
          expect(await findUrlRefusal(access)).toMatch(/^Nothing is sent to this URL under the current URL policy: The Webhook URL must/);
        }
        expect(connections).toBe(0);
        await db().channel.update({ where: { id: channelId }, data: { webhookUrl: url } });
      });

      test("a rebinding name is looked up once per send and connected to only at the address checked", async () => {
        const { port } = bot.address() as AddressInfo;
        await db().channel.update({ where: { id: channelId }, data: { webhookUrl: `https://${REBINDING}:${port}/callback` } });
        const result = await verifyWebhook(await accessOf(admin, channelId));
        // 203.0.113.10 passes the policy but answers nothing here; a second lookup would have
        // given 127.0.0.1, where the bot counts connections.
        expect(result.success).toBe(false);
        expect(result.refusal ?? null).toBeNull();
        expect(dns.queries.filter((query) => query === `A ${REBINDING}`)).toHaveLength(1);
        expect(connections).toBe(0);
        await db().channel.update({ where: { id: channelId }, data: { webhookUrl: url } });
      });
    } else {
      test("is sent to for an event send and its redelivery", async () => {
        const channel = await accessOf(admin, channelId);
        const [id] = (await acceptEvents(channel.channel, [{ type: "message", userId: USER, text: "hi" }], "api")).webhookEventIds;
        await dispatchUntil(async () => (await eventStatus(id)) === "delivered");
        const logged = await attempts();
        expect(logged.map((a) => [a.isRedelivery, a.success, a.statusCode, a.reason])).toEqual([
          [false, false, 503, "error_status_code"],
          [true, true, 200, null],
        ]);
        expect(dns.queries).toContain(`A ${NAME}`);
        expect(connections).toBeGreaterThan(0);
        expect(requests).toEqual(["/callback", "/callback"]);
        expect(await findUrlRefusal(await accessOf(admin, channelId))).toBeNull();
      });

      test("is sent to by Verify and the test endpoint", async () => {
        expect(await verifyWebhook(await accessOf(admin, channelId))).toMatchObject({ success: true, statusCode: 200 });
        expect(await testWebhookEndpoint(channelId)).toMatchObject({ ok: true, value: { success: true, statusCode: 200 } });
        expect(requests).toHaveLength(4);
      });
    }
  });
}
