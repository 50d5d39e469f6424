import { beforeAll, describe, expect, test } from "vitest";
import { createUser } from "@/lib/auth/users";
import type { ChannelAccess } from "@/lib/console/access";
import { createChannel } from "@/lib/console/channels";
import { getConversationsStamp, listConversations, type ChatEntry } from "@/lib/console/conversations";
import { createProvider } from "@/lib/console/providers";
import { createSimulatedGroup, createSimulatedUser, sendSimulatedEvent } from "@/lib/console/simulator";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/api";
import { broadcastMessages, checkPushBody, multicastMessages, pushMessages, replyFromBody } from "@/lib/messaging/bot-api";
import { accessOf } from "../support/access";

// The Simulator's chats read from what the users did and what the bot sent or was refused, on a
// channel with Use webhook off, so that nothing is sent and the bot's side is called directly.

let access: ChannelAccess;
let other: ChannelAccess;
let alice: string;
let bob: string;
let groupId: string;

async function replyTokenOf(webhookEventId: string): Promise<string> {
  const row = await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId } });
  return (JSON.parse(row.event) as { replyToken: string }).replyToken;
}

async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

/** A chat's entries in words: who, and what. */
function lines(entries: readonly ChatEntry[] | undefined): string[] {
  return (entries ?? []).map((e) => {
    if (e.from === "user") return `user ${e.type} ${e.summary}`;
    if (e.from === "refused") return `refused ${e.sendKind} ${e.status} ${e.error.message}`;
    return `bot ${e.sendKind} ${e.message.type === "text" ? e.message.text : e.message.type}`;
  });
}

beforeAll(async () => {
  const admin = (await createUser("chat-admin@example.com", "pw")).user.id;
  const provider = await createProvider(admin, "Chats");
  access = await accessOf(admin, (await createChannel(admin, provider.id, { name: "Chat bot", description: "", email: "" })).id);
  other = await accessOf(admin, (await createChannel(admin, provider.id, { name: "Other bot", description: "", email: "" })).id);
  alice = (await createSimulatedUser(access, "Alice")).id;
  bob = (await createSimulatedUser(access, "Bob")).id;
  groupId = (await createSimulatedGroup(access, { kind: "group", name: "Team", userIds: [alice, bob] })).id;
});

describe("a chat", () => {
  test("lists what the user sent and what the bot answered, in order, and a refused reply where it was refused", async () => {
    const channelId = access.channel.id;
    const before = await getConversationsStamp(access);
    const hello = await sendSimulatedEvent(access, { type: "message", userId: alice, text: "hello" });
    const token = await replyTokenOf(hello.webhookEventIds[0]!);
    await replyFromBody(channelId, { replyToken: token, messages: [{ type: "text", text: "echo: hello" }, { type: "sticker", packageId: "446", stickerId: "1988" }] }, "r1");
    const again = await refusal(replyFromBody(channelId, { replyToken: token, messages: [{ type: "text", text: "twice" }] }, "r2"));
    expect([again.status, again.message]).toEqual([400, "Invalid reply token"]);

    const postback = await sendSimulatedEvent(access, { type: "postback", userId: alice, data: "again" });
    const bad = await refusal(
      replyFromBody(channelId, { replyToken: await replyTokenOf(postback.webhookEventIds[0]!), messages: [{ type: "text" }] }, "r3"),
    );
    expect(bad.details).toEqual([{ property: "messages[0].text", message: "must be specified" }]);
    // A token with bad messages is not used up: the bot may still reply with good ones.
    await replyFromBody(channelId, { replyToken: await replyTokenOf(postback.webhookEventIds[0]!), messages: [{ type: "text", text: "postback: again" }] }, "r4");
    await multicastMessages(channelId, { to: [alice, bob], messages: [{ type: "text", text: "to you both" }] }, "r5");
    await broadcastMessages(channelId, { messages: [{ type: "text", text: "to everyone" }] }, "r6");

    const chats = await listConversations(access);
    expect(lines(chats[alice])).toEqual([
      "user message hello",
      "bot reply echo: hello",
      "bot reply sticker",
      "refused reply 400 Invalid reply token",
      "user postback again",
      "refused reply 400 The request body has 1 error(s)",
      "bot reply postback: again",
      "bot multicast to you both",
      "bot broadcast to everyone",
    ]);
    expect(lines(chats[bob])).toEqual(["bot multicast to you both", "bot broadcast to everyone"]);
    const refused = chats[alice]!.find((e) => e.from === "refused" && e.error.details);
    expect(refused).toMatchObject({ error: { message: "The request body has 1 error(s)", details: [{ property: "messages[0].text", message: "must be specified" }] } });
    const sent = chats[alice]![0]!;
    expect(sent).toMatchObject({ from: "user", message: { type: "text", text: "hello" }, outcome: { status: "skipped", attemptId: null } });
    expect(await getConversationsStamp(access)).not.toBe(before);
  });

  test("a group's chat has its members' messages, the bot's pushes to it, and bad pushes to it", async () => {
    const channelId = access.channel.id;
    await sendSimulatedEvent(access, { type: "message", userId: bob, groupId, text: "hi team" });
    await pushMessages(channelId, { to: groupId, messages: [{ type: "text", text: "to the group" }] }, "g1");
    const bad = await refusal(
      (async () => pushMessages(channelId, await checkPushBody(channelId, { to: groupId, messages: [] }, "g2"), "g2"))(),
    );
    expect(bad.details).toEqual([{ property: "messages", message: "Size must be between 1 and 5" }]);
    const chats = await listConversations(access);
    expect(lines(chats[groupId])).toEqual(["user message hi team", "bot push to the group", "refused push 400 The request body has 1 error(s)"]);
    expect(chats[groupId]![0]).toMatchObject({ userId: bob });
    // The group's talk is not in Bob's own chat.
    expect(lines(chats[bob])).not.toContain("user message hi team");
  });

  test("a refusal that names no chat of the channel is kept nowhere", async () => {
    const channelId = access.channel.id;
    const before = await db().botSendError.count();
    const theirs = await sendSimulatedEvent(other, {
      type: "message",
      userId: (await createSimulatedUser(other, "Carol")).id,
      text: "not yours",
    });
    const cases = [
      { replyToken: "0".repeat(32), messages: [{ type: "text", text: "x" }] },
      { replyToken: await replyTokenOf(theirs.webhookEventIds[0]!), messages: [{ type: "text", text: "x" }] },
      { messages: [{ type: "text", text: "x" }] },
      "not an object",
    ];
    for (const body of cases) expect((await refusal(replyFromBody(channelId, body, "n"))).status).toBe(400);
    await refusal(checkPushBody(channelId, { to: `U${"9".repeat(32)}`, messages: [] }, "n"));
    expect(await db().botSendError.count()).toBe(before);
  });
});
