import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startChaosBot, type ChaosBehaviour, type ChaosBot } from "@/lib/chaos/chaos-bot";
import { buildTextMessageEvent, buildWebhookBody } from "@/lib/webhook/payload";
import { DETAILS, type Failure } from "@/lib/webhook/reasons";
import { closeWebhookConnections, sendWebhook, type SendResult, type SendWebhookOptions } from "@/lib/webhook/sender";

// Real sockets against real misbehaving servers (lib/chaos): nothing here is mocked.

const SECRET = "8c570fa6dd201bb328f1c1eac23a96d8";
const DESTINATION = "U8e742f61d673b39c7fff3cecb7536ef0";

let bot: ChaosBot;

beforeAll(async () => {
  bot = await startChaosBot({ secret: SECRET });
}, 20_000);

afterAll(async () => {
  await closeWebhookConnections();
  await bot?.close();
});

function behaviour(name: string): ChaosBehaviour {
  const found = bot.behaviours.find((b) => b.name === name);
  if (!found) throw new Error(`The chaos bot has no behaviour "${name}"`);
  return found;
}

function newBody(text = "Hello from the classification test"): string {
  return buildWebhookBody(DESTINATION, [buildTextMessageEvent({ userId: "U4af4980629c4e0b2e7f9a1d2b3c4d5e6", text })]);
}

/** Sends to a behaviour the way the dispatcher would, with the DNS servers or CA it needs. */
function sendTo(name: string, extra: Partial<SendWebhookOptions> = {}): Promise<SendResult> {
  const { url, dnsServers, ca } = behaviour(name);
  return sendWebhook({ url, body: newBody(), secret: SECRET, dnsServers, ca, ...extra });
}

function failureOf(result: SendResult): Failure | "success" {
  return result.ok ? "success" : { reason: result.reason, detail: result.detail };
}

/** Whether the send was ended by its 2 s response deadline, rather than by a failure of its own. */
function endedByDeadline(result: SendResult): boolean {
  return !result.ok && /No complete response within 2000 ms/.test(result.cause ?? "");
}

/** The behaviours that answer nothing in time, which only the 2 s deadline ends. */
const DEADLINE_ENDED = new Set(["connect-timeout", "dns-silence", "slow"]);

// Every row of docs/line-behaviour.md#classification, each reproduced by its own server. LINE's exact strings.
const FAILURES: Array<[name: string, reason: Failure["reason"], detail: string]> = [
  ["refused", "could_not_connect", "Connection failed"],
  ["h2-goaway", "could_not_connect", "Connection failed (received GOAWAY)"],
  ["h2-close-before-settings", "could_not_connect", "Connection failed (session closed)"],
  ["tls-close-after-client-hello", "could_not_connect", "Connection failed (session closed)"],
  ["connect-timeout", "could_not_connect", "Connection timeout"],
  ["dns-silence", "could_not_connect", "DNS Query timeout"],
  ["invalid-url", "could_not_connect", "Invalid URL syntax"],
  ["alpn-refusal", "could_not_connect", "Session protocol negotiation failure"],
  ["not-http", "could_not_connect", "Session protocol negotiation failure"],
  ["plain-text-on-https", "could_not_connect", "No SSL/TLS record"],
  ["self-signed", "could_not_connect", "TLS handshake failure"],
  ["unknown-host", "could_not_connect", "Unknown host"],
  ["slow", "request_timeout", "Request timeout"],
  ["status-500", "error_status_code", "500"],
  ["redirect-302", "error_status_code", "302"],
  ["close-mid-request", "unclassified", "Session closed unexpectedly"],
  ["h2-stream-reset", "unclassified", "Stream closed unexpectedly"],
  ["malformed-headers", "unclassified", "Unclassified webhook dispatch error"],
];

describe("the chaos bot", () => {
  test("has a behaviour for every detail LINE classifies, and for error_status_code", () => {
    const details = new Set(bot.behaviours.flatMap((b) => (b.expected === "success" ? [] : [b.expected.detail])));
    for (const detail of Object.keys(DETAILS)) expect(details).toContain(detail);
    expect(details).toContain("500");
    expect(details).toContain("302");
  });

  test.each(FAILURES)("%s promises %s / %s", (name, reason, detail) => {
    expect(behaviour(name).expected).toEqual({ reason, detail });
  });
});

describe("sendWebhook classifies every failure exactly as LINE does", () => {
  test.each(FAILURES)("%s → %s / %s", async (name, reason, detail) => {
    const result = await sendTo(name);
    expect(failureOf(result), result.ok ? "" : result.cause).toEqual({ reason, detail });
    // Whatever fails on its own is reported as itself, before the deadline could end the send;
    // only the silent ones wait for it, and then never less than the full 2 s.
    expect(endedByDeadline(result)).toBe(DEADLINE_ENDED.has(name));
    if (DEADLINE_ENDED.has(name)) expect(result.timings.total).toBeGreaterThanOrEqual(2000);
  });

  test("a bot that never answers is a Request timeout at 2.0 s, measured by our own timer", async () => {
    const result = await sendTo("hang");
    expect(failureOf(result)).toEqual({ reason: "request_timeout", detail: "Request timeout" });
    expect(result.timings.total).toBeGreaterThanOrEqual(2000);
    expect(endedByDeadline(result)).toBe(true);
    // The connection was made; only the answer was missing.
    expect(result.timings.connect).toBeTypeOf("number");
    expect(result.timings.firstByte).toBeUndefined();
  });

  test("a status code outside 2xx keeps the bot's answer as the excerpt", async () => {
    const result = await sendTo("status-500");
    expect(result).toMatchObject({ ok: false, statusCode: 500, responseExcerpt: "Chaos bot says 500" });
  });

  test("a connection still being made when the deadline passes is a Connection timeout, not a Request timeout", async () => {
    const result = await sendTo("connect-timeout");
    expect(failureOf(result)).toEqual({ reason: "could_not_connect", detail: "Connection timeout" });
    expect(result.timings.total).toBeGreaterThanOrEqual(2000);
    expect(result.timings.connect).toBeUndefined();
  });

  test("the connect and DNS timeouts are settings with their own timers", async () => {
    const [connect, dns] = await Promise.all([
      sendTo("connect-timeout", { connectTimeoutMs: 300 }),
      sendTo("dns-silence", { dnsTimeoutMs: 300 }),
    ]);
    expect(failureOf(connect)).toEqual({ reason: "could_not_connect", detail: "Connection timeout" });
    expect(failureOf(dns)).toEqual({ reason: "could_not_connect", detail: "DNS Query timeout" });
    // Each setting's own timer ends the send, before the 2 s deadline could.
    for (const result of [connect, dns]) {
      expect(result.timings.total).toBeGreaterThanOrEqual(290);
      expect(endedByDeadline(result)).toBe(false);
    }
  });

  test.each(["not a url", "ftp://bot.example.com/callback", "http://", "https://bot example.com/", "//bot.example.com/x"])(
    "%j is Invalid URL syntax, found without touching the network",
    async (url) => {
      // Any network activity (a lookup, a connection) would let the event loop turn first.
      let loopTurned = false;
      setImmediate(() => (loopTurned = true));
      const result = await sendWebhook({ url, body: newBody(), secret: SECRET });
      expect(loopTurned).toBe(false);
      expect(failureOf(result)).toEqual({ reason: "could_not_connect", detail: "Invalid URL syntax" });
      expect(result.timings).toEqual({ total: expect.any(Number) });
    },
  );
});

describe("a healthy bot", () => {
  test("gets LINE's headers and a signature @line/bot-sdk accepts, over HTTP/1.1", async () => {
    const before = bot.deliveries.length;
    const body = newBody("over plain http");
    const result = await sendWebhook({ url: behaviour("healthy").url, body, secret: SECRET });

    expect(result).toMatchObject({ ok: true, statusCode: 200, responseExcerpt: "OK", httpVersion: "1.1" });
    expect(result.timings.connect).toBeTypeOf("number");
    expect(result.timings.tls).toBeUndefined();
    expect(result.timings.dns).toBeUndefined(); // an IP literal needs no DNS
    expect(result.timings.firstByte).toBeTypeOf("number");

    const delivery = bot.deliveries[before];
    expect(bot.deliveries).toHaveLength(before + 1);
    expect(delivery).toMatchObject({ behaviour: "healthy", httpVersion: "1.1", isSignatureValid: true, body });
    expect(delivery.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(delivery.headers["user-agent"]).toBe("LineBotWebhook/2.0");
  });

  test("is reached over HTTP/2 when its https server offers h2, and the connection is reused", async () => {
    const before = bot.deliveries.length;
    const first = await sendTo("healthy-https");
    expect(first).toMatchObject({ ok: true, statusCode: 200, httpVersion: "2" });
    expect(first.timings.tls).toBeTypeOf("number");
    expect(bot.deliveries[before]).toMatchObject({ behaviour: "healthy-https", httpVersion: "2.0", isSignatureValid: true });

    const second = await sendTo("healthy-https");
    expect(second).toMatchObject({ ok: true, statusCode: 200, httpVersion: "2" });
    // Same origin, same HTTP/2 session: no new connection, so no connection phases to time.
    expect(second.timings).toMatchObject({ dns: undefined, connect: undefined, tls: undefined });
  });

  test("answers 401 to a wrong signature, which is an error_status_code", async () => {
    const before = bot.deliveries.length;
    const result = await sendTo("healthy", { secret: "0123456789abcdef0123456789abcdef" });
    expect(failureOf(result)).toEqual({ reason: "error_status_code", detail: "401" });
    expect(bot.deliveries[before]).toMatchObject({ isSignatureValid: false });
  });

  test("has its answer cut to maxResponseBytes", async () => {
    const result = await sendTo("healthy", { maxResponseBytes: 1 });
    expect(result).toMatchObject({ ok: true, responseExcerpt: "O" });
  });

  test("without the test CA its certificate is not trusted", async () => {
    const result = await sendTo("healthy-https", { ca: undefined });
    expect(failureOf(result)).toEqual({ reason: "could_not_connect", detail: "TLS handshake failure" });
  });
});
