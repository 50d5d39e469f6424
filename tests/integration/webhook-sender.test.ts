import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { WebhookSender, type SendWebhookOptions } from "@/lib/webhook/sender";

// Real sockets against a real bot server that counts the connections it is given.

const SECRET = "8c570fa6dd201bb328f1c1eac23a96d8";
const BODY = JSON.stringify({ destination: "U8e742f61d673b39c7fff3cecb7536ef0", events: [] });

type CountingBot = { url: string; origin: string; connections: number; requests: string[]; close(): Promise<void> };

async function startCountingBot(): Promise<CountingBot> {
  const server: Server = createServer((req, res) => {
    bot.requests.push(req.url ?? "");
    req.resume();
    req.on("end", () => res.writeHead(200).end("OK"));
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => {
    bot.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const bot: CountingBot = {
    url: `${origin}/callback`,
    origin,
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return bot;
}

let bot: CountingBot;
const senders: WebhookSender[] = [];

function newSender(): WebhookSender {
  const sender = new WebhookSender();
  senders.push(sender);
  return sender;
}

/**
 * Sends one webhook and waits until its connection is free again: undici hands a connection to
 * the next request only after the loop turns, so a send made the moment another one resolves
 * opens a connection of its own.
 */
async function sendThrough(sender: WebhookSender, extra: Partial<SendWebhookOptions> = {}) {
  const result = await sender.send({ url: bot.url, body: BODY, secret: SECRET, ...extra });
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

beforeAll(async () => {
  bot = await startCountingBot();
});

afterEach(async () => {
  await Promise.all(senders.splice(0).map((sender) => sender.close()));
});

afterAll(async () => {
  await bot?.close();
});

describe("a URL the console would refuse to save", () => {
  test.each([
    ["credentials", (url: string) => url.replace("http://", "http://user:pass@")],
    ["a user name", (url: string) => url.replace("http://", "http://user@")],
    ["a space in the path", (url: string) => `${url}/with space`],
    ["a space in the query", (url: string) => `${url}?q=a b`],
    ["a tab in the path", (url: string) => `${url}/with\ttab`],
  ])("with %s is Invalid URL syntax, and the bot it points at hears nothing", async (_what, spoil) => {
    const before = { connections: bot.connections, requests: bot.requests.length };
    const result = await sendThrough(newSender(), { url: spoil(bot.url) });
    expect(result).toMatchObject({ ok: false, reason: "could_not_connect", detail: "Invalid URL syntax" });
    expect(result.timings).toEqual({ total: expect.any(Number) });
    expect({ connections: bot.connections, requests: bot.requests.length }).toEqual(before);
  });

  test("is refused again when it repeats, after a good URL was sent", async () => {
    const sender = newSender();
    expect((await sendThrough(sender)).ok).toBe(true);
    const spoilt = bot.url.replace("http://", "http://user:pass@");
    for (let i = 0; i < 2; i++) {
      expect(await sendThrough(sender, { url: spoilt })).toMatchObject({ ok: false, detail: "Invalid URL syntax" });
    }
  });
});

describe("a sender's pools", () => {
  test("reuse the connection for sends with equal settings, whether or not they are the same objects", async () => {
    const sender = newSender();
    const before = bot.connections;
    const first = await sendThrough(sender, { connectTimeoutMs: 3000, dnsServers: undefined });
    const second = await sendThrough(sender, {});
    const third = await sendThrough(sender, { connectTimeoutMs: 3000, dnsTimeoutMs: 3000 });
    expect([first.ok, second.ok, third.ok]).toEqual([true, true, true]);
    expect(first.timings.connect).toBeTypeOf("number");
    expect(second.timings.connect).toBeUndefined();
    expect(third.timings.connect).toBeUndefined();
    expect(bot.connections - before).toBe(1);
  });

  test("keep sends with different settings on connections of their own", async () => {
    const sender = newSender();
    const before = bot.connections;
    await sendThrough(sender, { connectTimeoutMs: 3000 });
    const other = await sendThrough(sender, { connectTimeoutMs: 2999 });
    const again = await sendThrough(sender, { connectTimeoutMs: 3000 });
    expect(other.timings.connect).toBeTypeOf("number");
    expect(again.timings.connect).toBeUndefined();
    expect(bot.connections - before).toBe(2);
  });

  test("belong to their sender: another sender connects on its own, and closing one leaves the other's open", async () => {
    const [a, b] = [newSender(), newSender()];
    const before = bot.connections;
    await sendThrough(a);
    const fromB = await sendThrough(b);
    expect(fromB.timings.connect).toBeTypeOf("number");
    expect(bot.connections - before).toBe(2);

    await a.close();
    const againFromB = await sendThrough(b);
    expect(againFromB).toMatchObject({ ok: true, httpVersion: "1.1" });
    expect(againFromB.timings.connect).toBeUndefined();
    expect(bot.connections - before).toBe(2);
  });

  test("open new connections after the sender is closed", async () => {
    const sender = newSender();
    await sendThrough(sender);
    await sender.close();
    const before = bot.connections;
    const after = await sendThrough(sender);
    expect(after).toMatchObject({ ok: true, statusCode: 200, httpVersion: "1.1" });
    expect(after.timings.connect).toBeTypeOf("number");
    expect(bot.connections - before).toBe(1);
  });

  test("give each of several sends dispatched at once the phases of its own new connection", async () => {
    const sender = newSender();
    const before = bot.connections;
    const results = await Promise.all(Array.from({ length: 4 }, () => sendThrough(sender)));
    expect(bot.connections - before).toBe(4);
    for (const result of results) {
      expect(result).toMatchObject({ ok: true, httpVersion: "1.1" });
      expect(result.timings.connect).toBeTypeOf("number");
    }
  });
});
