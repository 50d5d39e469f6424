import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore } from "@/lib/delivery/store";
import { NotFoundError } from "@/lib/errors";
import { startNotifier, stopNotifier } from "@/lib/notify/notifier";
import { getOutboxMessageOrThrow, listOutbox } from "@/lib/notify/outbox";
import { setErrorNotification } from "@/lib/notify/settings";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { accessOf, joinChannel } from "../support/access";

let admin: string;
let member: string;
let tester: string;
let outsider: string;
let channelId: string;
let store: DeliveryStore;

beforeAll(async () => {
  admin = (await createUser("access-admin@example.com", "pw")).user.id;
  outsider = (await createUser("access-outsider@example.com", "pw")).user.id;
  const provider = await createProvider(admin, "Access");
  channelId = (await createChannel(admin, provider.id, { name: "Access bot", description: "", email: "" })).id;
  await joinChannel(await accessOf(admin, channelId), "access-member@example.com", "MEMBER");
  await joinChannel(await accessOf(admin, channelId), "access-tester@example.com", "TESTER");
  const id = (email: string) => db().user.findUniqueOrThrow({ where: { email } }).then((u) => u.id);
  member = await id("access-member@example.com");
  tester = await id("access-tester@example.com");
  store = openDeliveryStore();
});

afterAll(async () => {
  await stopNotifier();
  await store?.close();
});

describe("Error notification setting", () => {
  test("is off by default and only Admins change it", async () => {
    const flag = async () => (await db().channel.findUniqueOrThrow({ where: { id: channelId } })).errorNotification;
    expect(await flag()).toBe(false);
    await expect(accessOf(member, channelId).then((access) => setErrorNotification(access, true))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(tester, channelId).then((access) => setErrorNotification(access, true))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(outsider, channelId).then((access) => setErrorNotification(access, true))).rejects.toBeInstanceOf(NotFoundError);
    expect(await flag()).toBe(false);
    await setErrorNotification(await accessOf(admin, channelId), true);
    expect(await flag()).toBe(true);
  });
});

describe("the running notifier and the Outbox", () => {
  test("the loop emails a due group into the outbox, which only Admins can read", async () => {
    // Failures 10 minutes "ago" by the loop's clock: the group is due at its first pass.
    const clock = Date.now() + 10 * 60_000;
    await store.recordOutcomes(
      [
        {
          seq: 0,
          attemptsBefore: 0,
          attempt: {
            channelId,
            webhookEventId: null,
            kind: "event",
            isRedelivery: false,
            url: "http://127.0.0.1:9/callback",
            startedAt: Date.now() - 5,
            durationMs: 5,
            failure: { reason: "could_not_connect", detail: "Connection failed" },
            requestExcerpt: "{}",
          },
        },
      ],
      Date.now(),
    );
    startNotifier({ now: () => clock, transport: null, intervalMs: 20 });
    // The outbox also holds the invitations the channel's Member and Tester joined with.
    const notifications = async () => (await listOutbox(await accessOf(admin, channelId))).filter((row) => !row.subject.startsWith("You are invited"));
    await expect.poll(async () => (await notifications()).length, { timeout: 5000 }).toBe(1);
    await stopNotifier();

    const [row] = await notifications();
    expect(row.subject).toBe("Messaging API: Your bot server returned no response or an error - Access bot");
    expect(row.status).toBe("in_outbox");
    const message = await getOutboxMessageOrThrow(await accessOf(admin, channelId), row.id);
    expect(message.text).toContain("Detail for error: Connection failed\n");

    for (const who of [member, tester, outsider]) {
      await expect(accessOf(who, channelId).then((access) => listOutbox(access))).rejects.toBeInstanceOf(NotFoundError);
      await expect(accessOf(who, channelId).then((access) => getOutboxMessageOrThrow(access, row.id))).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(accessOf(admin, channelId).then((access) => getOutboxMessageOrThrow(access, row.id + 1000))).rejects.toBeInstanceOf(NotFoundError);
  });
});
