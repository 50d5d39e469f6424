import { afterAll, describe, expect, test } from "vitest";
import { startChaosBot } from "@/lib/chaos/chaos-bot";
import { attemptFromResult } from "@/lib/delivery/attempt-record";
import { signBody } from "@/lib/webhook/signature";
import { requestHeaderLines, WebhookSender } from "@/lib/webhook/sender";
import { startBot, type TestBot } from "../support/bots";

const SECRET = "8c570fa6dd201bb328f1c1eac23a96d8";
const bots: TestBot[] = [];
const sender = new WebhookSender();

afterAll(async () => {
  await sender.close();
  await Promise.all(bots.map((b) => b.close()));
});

describe("what a send's page shows of the wire", () => {
  test("the request's headers as the bot got them, the response's headers, its size and the address", async () => {
    const big = "x".repeat(100_000);
    const bot = await startBot((_req, res) => {
      res.writeHead(503, { "x-bot-version": "7", "content-type": "text/plain" }).end(big);
    });
    bots.push(bot);
    const body = JSON.stringify({ destination: "U0", events: [{ type: "message", message: { text: "héllo" } }] });
    const result = await sender.send({ url: bot.url, body, secret: SECRET, maxResponseBytes: 1000 });
    expect(result).toMatchObject({ ok: false, reason: "error_status_code", detail: "503", responseBytes: 100_000 });
    const received = bot.received[0];
    // Every header the bot received, with the value it received, in the order written.
    const sent = new Map(result.requestHeaders!.map(([name, value]) => [name.toLowerCase(), value]));
    expect(Object.fromEntries(sent)).toEqual(Object.fromEntries(Object.entries(received.headers)));
    expect(sent.get("x-line-signature")).toBe(signBody(SECRET, received.body));
    expect(sent.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(result.responseHeaders).toContainEqual(["x-bot-version", "7"]);
    expect(result.remoteAddress).toBe(`127.0.0.1:${new URL(bot.url).port}`);

    const record = attemptFromResult(result, { channelId: "1", webhookEventId: null, kind: "test", isRedelivery: false, url: bot.url, startedAt: 0, body });
    expect(JSON.parse(record.requestHeaders!)).toEqual(result.requestHeaders);
    expect(record.responseBytes).toBe(100_000);
    expect(record.responseExcerpt).toHaveLength(1000);
  });

  test("over HTTP/2 the headers are HTTP/2's, pseudo-headers included, as the bot got them", async () => {
    const chaos = await startChaosBot({ secret: SECRET });
    try {
      const https = chaos.behaviours.find((b) => b.name === "healthy-https")!;
      const body = JSON.stringify({ destination: "U0", events: [] });
      const result = await sender.send({ url: https.url, body, secret: SECRET, ca: https.ca });
      expect(result).toMatchObject({ ok: true, statusCode: 200, httpVersion: "2" });
      const sent = new Map(result.requestHeaders!.map(([name, value]) => [name, value]));
      expect(sent.get(":method")).toBe("POST");
      expect(sent.get(":path")).toBe("/callback");
      expect(sent.get("x-line-signature")).toBe(signBody(SECRET, body));
      expect(sent.get("content-length")).toBe(String(Buffer.byteLength(body)));
      const delivery = chaos.deliveries.at(-1)!;
      expect(delivery.isSignatureValid).toBe(true);
      for (const [name, value] of sent) if (!name.startsWith(":")) expect(delivery.headers[name]).toBe(value);
      expect(result.remoteAddress).toBe(`127.0.0.1:${new URL(https.url).port}`);
    } finally {
      await chaos.close();
    }
  });

  test("a URL refused before connecting has no request headers", async () => {
    const result = await sender.send({ url: "ftp://example.com/", body: "{}", secret: SECRET });
    expect(result.ok).toBe(false);
    expect(result.requestHeaders).toBeUndefined();
    expect(result.remoteAddress).toBeUndefined();
  });

  test("HTTP/1.1's request line is left out and its Content-Length added; HTTP/2's block is taken as it is", () => {
    expect(requestHeaderLines("POST /callback HTTP/1.1\r\nhost: bot:8080\r\nconnection: keep-alive\r\nx-line-signature: abc=\r\n", 12)).toEqual([
      ["host", "bot:8080"],
      ["connection", "keep-alive"],
      ["x-line-signature", "abc="],
      ["content-length", "12"],
    ]);
    expect(requestHeaderLines(":method: POST\r\n:path: /callback\r\nContent-Type: text/plain\r\ncontent-length: 5\r\n", 5)).toEqual([
      [":method", "POST"],
      [":path", "/callback"],
      ["content-type", "text/plain"],
      ["content-length", "5"],
    ]);
  });
});
