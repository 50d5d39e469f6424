import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as getContent } from "@/app/v2/bot/message/[messageId]/content/route";
import { createUser } from "@/lib/auth/users";
import { createChannel } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { createSimulatedUser, sendSimulatedEvent } from "@/lib/console/simulator";
import { issueAccessToken } from "@/lib/console/tokens";
import { db } from "@/lib/db";
import type { WebhookEvent } from "@/lib/webhook/payload";
import { accessOf } from "../support/access";
import { createLineSchemaCheck } from "../support/line-schemas";

// The content endpoint served over a real socket, as `next start` serves it, so that the SDK's own
// blob client fetches from it with only its base URL changed.

const schema = createLineSchemaCheck("messaging-api");
let server: Server;
let admin: string;
let providerId: string;

function serveContentRoute(): Promise<string> {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = url.pathname.match(/^\/v2\/bot\/message\/([^/]+)\/content$/);
    if (!match) return void res.writeHead(404).end();
    const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string> });
    const response = await getContent(request, { params: Promise.resolve({ messageId: decodeURIComponent(match[1]!) }) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function newChannelWithUser(name: string) {
  const { id } = await createChannel(admin, providerId, { name, description: "", email: "" });
  const access = await accessOf(admin, id);
  const user = await createSimulatedUser(access, "Alice");
  const { token } = await issueAccessToken(access, "content");
  return { id, access, user, token };
}

/** The message a simulated event carried, as the bot received it. */
async function sentMessage(webhookEventId: string) {
  const row = await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId } });
  const event = JSON.parse(row.event) as WebhookEvent;
  if (event.type !== "message") throw new Error("not a message event");
  return event.message;
}

let baseURL: string;

beforeAll(async () => {
  admin = (await createUser("content-admin@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Content")).id;
  baseURL = await serveContentRoute();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("GET /v2/bot/message/{messageId}/content, through the SDK's MessagingApiBlobClient", () => {
  test("an image, a video, an audio and a file come back as what their events say", async () => {
    const { access, user, token } = await newChannelWithUser("Content");
    const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL });
    const cases = [
      { message: { type: "image" }, contentType: "image/png" },
      { message: { type: "video", duration: 1500 }, contentType: "video/mp4" },
      { message: { type: "audio", duration: 250 }, contentType: "audio/wav" },
      { message: { type: "file", fileName: "report.pdf", fileSize: 70_000 }, contentType: "application/octet-stream" },
    ];
    for (const { message, contentType } of cases) {
      const { webhookEventIds } = await sendSimulatedEvent(access, { type: "message", userId: user.id, message });
      const sent = await sentMessage(webhookEventIds[0]!);
      if (sent.type === "image" || sent.type === "video" || sent.type === "audio") expect(sent.contentProvider).toEqual({ type: "line" });
      const { httpResponse, body } = await blob.getMessageContentWithHttpInfo(sent.id);
      const bytes = await bytesOf(body);
      expect(httpResponse.status).toBe(200);
      expect(httpResponse.headers.get("content-type")).toBe(contentType);
      expect(httpResponse.headers.get("content-length")).toBe(String(bytes.length));
      expect(httpResponse.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      if (sent.type === "image") expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      if (sent.type === "video") {
        expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
        // The movie header's timescale is milliseconds, and its duration the event's.
        const mvhd = bytes.indexOf("mvhd");
        expect([bytes.readUInt32BE(mvhd + 16), bytes.readUInt32BE(mvhd + 20)]).toEqual([1000, 1500]);
      }
      if (sent.type === "audio") {
        expect(bytes.subarray(0, 4).toString("latin1")).toBe("RIFF");
        // 8,000 one-byte samples a second, for 250 ms.
        expect(bytes.readUInt32LE(40)).toBe(2000);
        expect(bytes.length).toBe(44 + 2000);
      }
      if (sent.type === "file") expect(bytes.length).toBe(70_000);
    }
  });

  test("a text, a sticker, an unknown ID and another channel's message get LINE's 404", async () => {
    const mine = await newChannelWithUser("Mine");
    const theirs = await newChannelWithUser("Theirs");
    const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: mine.token, baseURL });
    const text = await sendSimulatedEvent(mine.access, { type: "message", userId: mine.user.id, text: "hello" });
    const sticker = await sendSimulatedEvent(mine.access, {
      type: "message",
      userId: mine.user.id,
      message: { type: "sticker", packageId: "446", stickerId: "1988" },
    });
    const image = await sendSimulatedEvent(theirs.access, { type: "message", userId: theirs.user.id, message: { type: "image" } });
    const ids = [
      (await sentMessage(text.webhookEventIds[0]!)).id,
      (await sentMessage(sticker.webhookEventIds[0]!)).id,
      "123456789012345678",
      "not-a-message-id",
      (await sentMessage(image.webhookEventIds[0]!)).id,
    ];
    for (const id of ids) {
      const failure = await blob.getMessageContent(id).then(
        () => null,
        (error: unknown) => error,
      );
      if (!(failure instanceof HTTPFetchError)) throw new Error(`${id}: expected LINE's 404, got ${String(failure)}`);
      expect([failure.status, JSON.parse(failure.body)]).toEqual([404, { message: "Not found" }]);
      expect(schema("ErrorResponse", JSON.parse(failure.body))).toEqual([]);
      expect(failure.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The other channel's own token fetches its image.
    const theirBlob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: theirs.token, baseURL });
    expect((await theirBlob.getMessageContentWithHttpInfo(ids[4]!)).httpResponse.status).toBe(200);
  });

  test("a wrong access token gets LINE's 401", async () => {
    const { access, user } = await newChannelWithUser("Token");
    const image = await sendSimulatedEvent(access, { type: "message", userId: user.id, message: { type: "image" } });
    const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: "not-a-token", baseURL });
    const failure = await blob.getMessageContent((await sentMessage(image.webhookEventIds[0]!)).id).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HTTPFetchError);
    expect((failure as HTTPFetchError).status).toBe(401);
  });

  test("a message whose content row is not written yet is found among the channel's newest events", async () => {
    const { id, access, user, token } = await newChannelWithUser("Race");
    const image = await sendSimulatedEvent(access, { type: "message", userId: user.id, message: { type: "image" } });
    const messageId = (await sentMessage(image.webhookEventIds[0]!)).id;
    // As the dispatcher may send the event before the row is written.
    await db().simulatedContent.delete({ where: { messageId } });
    const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL });
    expect((await blob.getMessageContentWithHttpInfo(messageId)).httpResponse.status).toBe(200);
    expect(await db().simulatedContent.count({ where: { channelId: id } })).toBe(0);
  });
});
