import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { HTTPFetchError, messagingApi, middleware, type WebhookRequestBody } from "@line/bot-sdk";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createLineSchemaCheck } from "../support/line-schemas";
import { waitUntil } from "../support/wait";
import { arrange } from "./arrange";

// A bot built the way LINE's documentation builds one, with only the base URL changed: the SDK's
// middleware checks each webhook, and its MessagingApiClient answers through the console.

const baseURL = inject("baseUrl");
const schema = createLineSchemaCheck("messaging-api");

let setup: Awaited<ReturnType<typeof arrange>>;
let channel: { id: string; channelSecret: string };
let client: messagingApi.MessagingApiClient;
let token: string;
let bot: { url: string; close(): Promise<void> };
let alice: { id: string };
let bob: { id: string };
/** What the bot's second reply with a token it had already used got back. */
const secondReplies: { status: number; body: string }[] = [];

/** An echo bot: text comes back as text, a sticker as a sticker, a postback as what it carried. */
async function startEchoBot(channelSecret: string) {
  const checkSignature = middleware({ channelSecret });
  const server = createServer((req, res) => {
    const request = req as IncomingMessage & { body: WebhookRequestBody };
    void checkSignature(request, res, async (error) => {
      if (error) return void res.writeHead(401).end();
      for (const event of request.body.events) {
        if (!("replyToken" in event) || !event.replyToken) continue;
        const replyToken = event.replyToken;
        const reply: messagingApi.Message[] =
          event.type === "message" && event.message.type === "text"
            ? [{ type: "text", text: `echo: ${event.message.text}`, quickReply: { items: [{ type: "action", action: { type: "postback", label: "Again", data: "again" } }] } }]
            : event.type === "message" && event.message.type === "sticker"
              ? [{ type: "sticker", packageId: "446", stickerId: "1988" }]
              : event.type === "postback"
                ? [{ type: "text", text: `postback: ${event.postback.data}` }]
                : [];
        if (reply.length === 0) continue;
        await client.replyMessage({ replyToken, messages: reply });
        try {
          await client.replyMessage({ replyToken, messages: [{ type: "text", text: "a second reply" }] });
        } catch (failure) {
          if (failure instanceof HTTPFetchError) secondReplies.push({ status: failure.status, body: failure.body });
        }
      }
      res.writeHead(200).end("OK");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function lineError(call: Promise<unknown>) {
  const failure = await call.then(
    () => {
      throw new Error("The call succeeded, but it should have failed.");
    },
    (error: unknown) => error,
  );
  if (!(failure instanceof HTTPFetchError)) throw failure;
  expect(failure.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  const body = JSON.parse(failure.body) as { message: string; details?: { property?: string; message: string }[] };
  expect(schema("ErrorResponse", body)).toEqual([]);
  return { status: failure.status, body, acceptedRequestId: failure.headers.get("x-line-accepted-request-id") };
}

/** The messages the bot sent to a chat, oldest first, as the console keeps them. */
async function chat(to: string) {
  const rows = await setup.db().botMessage.findMany({ where: { channelId: channel.id, to }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({ kind: row.kind, message: JSON.parse(row.message) as { type: string; text?: string } }));
}

beforeAll(async () => {
  setup = await arrange();
  const { createSimulatedUser, sendSimulatedEvent } = await import("@/lib/console/simulator");
  const { issueAccessToken } = await import("@/lib/console/tokens");
  channel = await setup.channelFor("Echo bot", "http://127.0.0.1:9/callback");
  const access = () => setup.accessOf(setup.adminId, channel.id);
  token = (await issueAccessToken(await access(), "echo")).token;
  client = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL });
  bot = await startEchoBot(channel.channelSecret);
  const channels = await import("@/lib/console/channels");
  await channels.updateWebhookUrl(await access(), bot.url);
  alice = await createSimulatedUser(await access(), "Alice");
  bob = await createSimulatedUser(await access(), "Bob");
  // One after the other: sent together, their webhooks may go out at once and be answered in either order.
  await sendSimulatedEvent(await access(), { type: "message", userId: alice.id, text: "hello" });
  await waitUntil(async () => (await chat(alice.id)).length >= 1, 20_000);
  await sendSimulatedEvent(await access(), { type: "postback", userId: alice.id, data: "again" });
  await waitUntil(async () => (await chat(alice.id)).length >= 2, 20_000);
});

afterAll(async () => {
  await bot?.close();
});

describe("a bot built with @line/bot-sdk, replying through the console", () => {
  test("its replies reach the simulated user's chat, in order", async () => {
    expect(await chat(alice.id)).toEqual([
      { kind: "reply", message: expect.objectContaining({ type: "text", text: "echo: hello" }) },
      { kind: "reply", message: { type: "text", text: "postback: again" } },
    ]);
  });

  test("a second reply with the same token is refused with LINE's error", async () => {
    await waitUntil(async () => secondReplies.length >= 2);
    expect(secondReplies.map((r) => [r.status, JSON.parse(r.body)])).toEqual([
      [400, { message: "Invalid reply token" }],
      [400, { message: "Invalid reply token" }],
    ]);
    expect((await chat(alice.id)).map((m) => m.message.text)).not.toContain("a second reply");
  });

  test("a made-up or another channel's reply token gets the same 400", async () => {
    for (const replyToken of ["0".repeat(32), "not-a-token"]) {
      const { status, body } = await lineError(client.replyMessage({ replyToken, messages: [{ type: "text", text: "x" }] }));
      expect([status, body]).toEqual([400, { message: "Invalid reply token" }]);
    }
    const other = await setup.channelFor("Another bot", "http://127.0.0.1:9/callback");
    const { issueAccessToken } = await import("@/lib/console/tokens");
    const otherClient = new messagingApi.MessagingApiClient({
      channelAccessToken: (await issueAccessToken(await setup.accessOf(setup.adminId, other.id), "other")).token,
      baseURL,
    });
    const event = await setup.db().webhookEvent.findFirstOrThrow({ where: { channelId: channel.id }, orderBy: { seq: "desc" } });
    const token = (JSON.parse(event.event) as { replyToken: string }).replyToken;
    expect((await lineError(otherClient.replyMessage({ replyToken: token, messages: [{ type: "text", text: "x" }] }))).body).toEqual({
      message: "Invalid reply token",
    });
  });

  test("push reaches one user, multicast several, broadcast all, with LINE's response bodies", async () => {
    const pushed = await client.pushMessageWithHttpInfo({ to: bob.id, messages: [{ type: "text", text: "hi Bob" }, { type: "sticker", packageId: "446", stickerId: "1989" }] });
    expect(pushed.httpResponse.status).toBe(200);
    expect(schema("PushMessageResponse", pushed.body)).toEqual([]);
    expect(pushed.body.sentMessages).toHaveLength(2);
    expect(pushed.body.sentMessages.every((m) => /^\d+$/.test(m.id) && typeof m.quoteToken === "string")).toBe(true);

    expect(await client.multicast({ to: [alice.id, bob.id], messages: [{ type: "text", text: "to you both" }] })).toEqual({});
    expect(await client.broadcast({ messages: [{ type: "text", text: "to everyone" }] })).toEqual({});
    const bobs = (await chat(bob.id)).map((m) => [m.kind, m.message.type, m.message.text]);
    expect(bobs).toEqual([
      ["push", "text", "hi Bob"],
      ["push", "sticker", undefined],
      ["multicast", "text", "to you both"],
      ["broadcast", "text", "to everyone"],
    ]);
  });

  test("a simulated user's profile, and LINE's 404 for anyone else", async () => {
    const profile = await client.getProfile(alice.id);
    expect(schema("UserProfileResponse", profile)).toEqual([]);
    expect(profile).toMatchObject({ userId: alice.id, displayName: "Alice" });
    expect(await lineError(client.getProfile(`U${"0".repeat(32)}`))).toMatchObject({ status: 404, body: { message: "Not found" } });
  });
});

describe("message content, through the SDK's MessagingApiBlobClient", () => {
  test("an image a simulated user sent is a PNG; a text, an unknown ID and another channel's message are LINE's 404", async () => {
    const { sendSimulatedEvent } = await import("@/lib/console/simulator");
    const access = await setup.accessOf(setup.adminId, channel.id);
    const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL });
    const messageIdOf = async (webhookEventId: string) => {
      const row = await setup.db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId } });
      return (JSON.parse(row.event) as { message: { id: string } }).message.id;
    };
    const image = await sendSimulatedEvent(access, { type: "message", userId: bob.id, message: { type: "image" } });
    const { httpResponse, body } = await blob.getMessageContentWithHttpInfo(await messageIdOf(image.webhookEventIds[0]!));
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(httpResponse.status).toBe(200);
    expect(httpResponse.headers.get("content-type")).toBe("image/png");
    expect(Buffer.concat(chunks).subarray(1, 4).toString("latin1")).toBe("PNG");

    // In standby mode, so that the echo bot has no token to answer it with while other tests count messages.
    const text = await sendSimulatedEvent(access, { type: "message", userId: bob.id, text: "no content", mode: "standby" });
    const other = await setup.channelFor("Content elsewhere", "http://127.0.0.1:9/callback");
    const otherAccess = await setup.accessOf(setup.adminId, other.id);
    const { createSimulatedUser } = await import("@/lib/console/simulator");
    const carol = await createSimulatedUser(otherAccess, "Carol");
    const theirs = await sendSimulatedEvent(otherAccess, { type: "message", userId: carol.id, message: { type: "image" } });
    for (const id of [await messageIdOf(text.webhookEventIds[0]!), "123456789012345678", await messageIdOf(theirs.webhookEventIds[0]!)]) {
      expect(await lineError(blob.getMessageContent(id))).toMatchObject({ status: 404, body: { message: "Not found" } });
    }
  });
});

describe("groups and rooms", () => {
  test("a reply to a group message goes to the group's chat; pushes reach groups; summaries and members are LINE's", async () => {
    const { createSimulatedGroup, sendSimulatedEvent } = await import("@/lib/console/simulator");
    const access = await setup.accessOf(setup.adminId, channel.id);
    const group = await createSimulatedGroup(access, { kind: "group", name: "Team", userIds: [alice.id, bob.id] });
    const room = await createSimulatedGroup(access, { kind: "room", userIds: [alice.id, bob.id] });
    await sendSimulatedEvent(access, { type: "message", userId: bob.id, groupId: group.id, text: "hi team" });
    await waitUntil(async () => (await chat(group.id)).length >= 1, 20_000);
    expect((await chat(group.id))[0]).toMatchObject({ kind: "reply", message: { type: "text", text: "echo: hi team" } });

    expect(await client.pushMessage({ to: room.id, messages: [{ type: "text", text: "to the room" }] })).toMatchObject({ sentMessages: [expect.anything()] });
    expect((await chat(room.id)).map((m) => m.message.text)).toEqual(["to the room"]);

    expect(await client.getGroupSummary(group.id)).toEqual({ groupId: group.id, groupName: "Team" });
    // Members who joined together come in the order of their IDs.
    const both = [alice.id, bob.id].sort();
    expect(await client.getGroupMembersIds(group.id)).toEqual({ memberIds: both });
    expect(await client.getGroupMemberCount(group.id)).toEqual({ count: 2 });
    expect(await client.getRoomMembersIds(room.id)).toEqual({ memberIds: both });
    expect(await client.getRoomMemberCount(room.id)).toEqual({ count: 2 });
    // A room is no group, and an unknown group is LINE's 404.
    expect((await lineError(client.getGroupSummary(room.id))).status).toBe(404);
    expect((await lineError(client.getGroupMembersIds(`C${"0".repeat(32)}`))).body).toEqual({ message: "Not found" });
  });
});

describe("X-Line-Retry-Key on push, multicast and broadcast", () => {
  const count = () => setup.db().botMessage.count({ where: { channelId: channel.id } });

  test("a repeat sends nothing and gets 409 with the first request's ID and response", async () => {
    const key = crypto.randomUUID();
    const before = await count();
    const first = await client.pushMessageWithHttpInfo({ to: bob.id, messages: [{ type: "text", text: "once" }] }, key);
    expect(first.httpResponse.status).toBe(200);
    const repeat = await lineError(client.pushMessage({ to: bob.id, messages: [{ type: "text", text: "once" }] }, key.toUpperCase()));
    expect(repeat.status).toBe(409);
    expect(repeat.body).toMatchObject({ message: "The retry key is already accepted", sentMessages: first.body.sentMessages });
    expect(repeat.acceptedRequestId).toBe(first.httpResponse.headers.get("x-line-request-id"));
    expect(await count()).toBe(before + 1);
  });

  test("the same key sent four times at once sends once", async () => {
    const key = crypto.randomUUID();
    const before = await count();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        fetch(`${baseURL}/v2/bot/message/multicast`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "X-Line-Retry-Key": key },
          body: JSON.stringify({ to: [alice.id, bob.id], messages: [{ type: "text", text: "all at once" }] }),
        }).then((r) => r.status),
      ),
    );
    expect(answers.sort()).toEqual([200, 409, 409, 409]);
    expect(await count()).toBe(before + 2);
  });

  test("a key that is not a UUID is LINE's 400, and sends nothing", async () => {
    const before = await count();
    const { status, body } = await lineError(client.broadcast({ messages: [{ type: "text", text: "x" }] }, "not-a-uuid"));
    expect([status, body]).toEqual([400, { message: "The value for the 'X-Line-Retry-Key' header is invalid" }]);
    expect(await count()).toBe(before);
  });
});

describe("bad sends get LINE's status codes and bodies, and change nothing", () => {
  const count = () => setup.db().botMessage.count({ where: { channelId: channel.id } });

  test("an unknown recipient", async () => {
    const before = await count();
    for (const call of [
      () => client.pushMessage({ to: `U${"9".repeat(32)}`, messages: [{ type: "text", text: "hi" }] }),
      () => client.multicast({ to: [alice.id, `U${"9".repeat(32)}`], messages: [{ type: "text", text: "hi" }] }),
    ]) {
      expect(await lineError(call())).toMatchObject({ status: 400, body: { message: "The property, 'to', in the request body is invalid (line: -, column: -)" } });
    }
    expect(await count()).toBe(before);
  });

  test("bad message objects, each with the property at fault", async () => {
    const before = await count();
    const push = (messages: unknown) => client.pushMessage({ to: alice.id, messages: messages as messagingApi.Message[] });
    const cases: [unknown, { property: string; message: string }][] = [
      [[], { property: "messages", message: "Size must be between 1 and 5" }],
      [Array.from({ length: 6 }, () => ({ type: "text", text: "x" })), { property: "messages", message: "Size must be between 1 and 5" }],
      [[{ type: "text", text: "x".repeat(5001) }], { property: "messages[0].text", message: "Length must be between 1 and 5000" }],
      [[{ type: "text" }], { property: "messages[0].text", message: "must be specified" }],
      [[{ type: "carrier-pigeon" }], { property: "messages[0].type", message: "Invalid message type" }],
      [[{ type: "image", originalContentUrl: "http://example.com/a.jpg", previewImageUrl: "https://example.com/a.jpg" }], { property: "messages[0].originalContentUrl", message: "must be a valid HTTPS URL" }],
      [[{ type: "template", altText: "t", template: { type: "confirm", text: "Sure?", actions: [{ type: "message", label: "Yes", text: "yes" }] } }], { property: "messages[0].template.actions", message: "Size must be between 2 and 2" }],
      [[{ type: "flex", altText: "f", contents: { type: "bubble", body: { type: "box", layout: "vertical", contents: [{ type: "marquee" }] } } }], { property: "messages[0].contents.body.contents[0].type", message: "Invalid component type" }],
    ];
    for (const [messages, detail] of cases) {
      const { status, body } = await lineError(push(messages));
      expect({ status, body }).toEqual({ status: 400, body: { message: "The request body has 1 error(s)", details: [detail] } });
    }
    expect(await count()).toBe(before);
  });

  test("bad messages in a reply get the property at fault, use up no token, and are shown in the event's chat", async () => {
    const { sendSimulatedEvent } = await import("@/lib/console/simulator");
    // The echo bot does not answer a follow: its token is the test's to use.
    const { webhookEventIds } = await sendSimulatedEvent(await setup.accessOf(setup.adminId, channel.id), { type: "follow", userId: bob.id });
    const event = await setup.db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: webhookEventIds[0]! } });
    const replyToken = (JSON.parse(event.event) as { replyToken: string }).replyToken;
    const before = await count();
    const bad = await lineError(client.replyMessage({ replyToken, messages: [{ type: "sticker", packageId: "446" } as messagingApi.Message] }));
    expect([bad.status, bad.body]).toEqual([
      400,
      { message: "The request body has 1 error(s)", details: [{ property: "messages[0].stickerId", message: "must be specified" }] },
    ]);
    expect(await count()).toBe(before);
    const refused = await setup.db().botSendError.findMany({ where: { channelId: channel.id, webhookEventId: webhookEventIds[0]! } });
    expect(refused.map((r) => [r.kind, r.to, r.status, JSON.parse(r.error)])).toEqual([["reply", bob.id, 400, bad.body]]);
    expect(schema("ReplyMessageResponse", await client.replyMessage({ replyToken, messages: [{ type: "text", text: "welcome" }] }))).toEqual([]);
  });

  test("a wrong access token", async () => {
    const stranger = new messagingApi.MessagingApiClient({ channelAccessToken: "not-a-token", baseURL });
    const invalid = {
      status: 401,
      body: { message: "Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization field is valid." },
    };
    expect(await lineError(stranger.pushMessage({ to: alice.id, messages: [{ type: "text", text: "hi" }] }))).toMatchObject(invalid);
    expect(await lineError(stranger.replyMessage({ replyToken: "0".repeat(32), messages: [{ type: "text", text: "hi" }] }))).toMatchObject(invalid);
    expect(await lineError(stranger.getProfile(alice.id))).toMatchObject(invalid);
    const strangerBlob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: "not-a-token", baseURL });
    expect(await lineError(strangerBlob.getMessageContent("123456789012345678"))).toMatchObject(invalid);
  });
});
