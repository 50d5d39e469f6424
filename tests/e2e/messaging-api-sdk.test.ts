import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { channelAccessToken, HTTPFetchError, messagingApi, middleware } from "@line/bot-sdk";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startChaosBot, type ChaosBot } from "@/lib/chaos/chaos-bot";
import { apiReason } from "@/lib/webhook/reasons";
import { startBot, type TestBot } from "../support/bots";
import { createLineSchemaCheck } from "../support/line-schemas";
import { arrange } from "./arrange";

// A script written for LINE, with only the base URL changed: @line/bot-sdk's own clients against
// the running app, a bot built on the SDK's middleware, and the chaos bot's misbehaving servers.

const baseURL = inject("baseUrl");
const messagingSchema = createLineSchemaCheck("messaging-api");
const tokenSchema = createLineSchemaCheck("channel-access-token");

type Channel = { id: string; channelSecret: string; botUserId: string };
type SdkBot = { url: string; received: unknown[]; rejected: string[]; close(): Promise<void> };

let setup: Awaited<ReturnType<typeof arrange>>;
let channels: typeof import("@/lib/console/channels");
let chaos: ChaosBot;
let sdkBot: SdkBot;
let strangerBot: SdkBot;
let fastBot: TestBot;
let main: Channel;
let client: messagingApi.MessagingApiClient;

/** A bot server on the SDK's middleware and a plain node:http server: 200 when the signature holds. */
async function startSdkBot(channelSecret: string): Promise<SdkBot> {
  const received: unknown[] = [];
  const rejected: string[] = [];
  const checkSignature = middleware({ channelSecret });
  const server = createServer((req, res) => {
    const request = req as IncomingMessage & { body: unknown };
    void checkSignature(request, res, (error) => {
      if (error) {
        rejected.push(error.message);
        res.writeHead(401).end();
        return;
      }
      received.push(request.body);
      res.writeHead(200).end("OK");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    received,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Issues a short-lived token the way a script does: the SDK and the channel's ID and secret. */
async function issueToken(channel: Channel): Promise<string> {
  const oauth = new channelAccessToken.ChannelAccessTokenClient({ baseURL });
  const issued = await oauth.issueChannelToken("client_credentials", channel.id, channel.channelSecret);
  expect(tokenSchema("IssueShortLivedChannelAccessTokenResponse", issued)).toEqual([]);
  return issued.access_token;
}

function clientFor(channelAccessToken: string) {
  return new messagingApi.MessagingApiClient({ channelAccessToken, baseURL });
}

/** The SDK's error for a call that must fail, with its body checked against LINE's ErrorResponse. */
async function lineError(call: Promise<unknown>): Promise<{ error: HTTPFetchError; body: { message: string; details?: { property?: string; message?: string }[] } }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof HTTPFetchError)) throw error;
    expect(error.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.parse(error.body);
    expect(messagingSchema("ErrorResponse", body)).toEqual([]);
    return { error, body };
  }
  throw new Error("The call succeeded, but it should have failed.");
}

function expectTestResponse(body: unknown) {
  expect(messagingSchema("TestWebhookEndpointResponse", body)).toEqual([]);
}

function behaviour(name: string) {
  const found = chaos.behaviours.find((b) => b.name === name);
  if (!found) throw new Error(`The chaos bot has no behaviour "${name}"`);
  return found;
}

beforeAll(async () => {
  setup = await arrange();
  channels = await import("@/lib/console/channels");
  fastBot = await startBot();
  main = await setup.channelFor("SDK bot", fastBot.url, { aggregation: true });
  // A bot that checks signatures with this channel's secret, and a stranger's with another one.
  sdkBot = await startSdkBot(main.channelSecret);
  strangerBot = await startSdkBot("f".repeat(32));
  chaos = await startChaosBot({ secret: main.channelSecret });
  client = clientFor(await issueToken(main));
}, 30_000);

afterAll(async () => {
  await Promise.all([sdkBot?.close(), strangerBot?.close(), fastBot?.close(), chaos?.close()]);
});

describe("a channel access token from the SDK's ChannelAccessTokenClient", () => {
  test("is issued for the channel's ID and secret, as LINE issues short-lived tokens", async () => {
    const oauth = new channelAccessToken.ChannelAccessTokenClient({ baseURL });
    const issued = await oauth.issueChannelToken("client_credentials", main.id, main.channelSecret);
    expect(issued).toMatchObject({ expires_in: 2592000, token_type: "Bearer" });
    expect(issued.access_token.length).toBeGreaterThan(40);
  });

  test("is refused with OAuth's error for a wrong secret", async () => {
    const oauth = new channelAccessToken.ChannelAccessTokenClient({ baseURL });
    const error = await oauth.issueChannelToken("client_credentials", main.id, "0".repeat(32)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPFetchError);
    const { status, body } = error as HTTPFetchError;
    expect(status).toBe(400);
    const parsed = JSON.parse(body);
    expect(parsed).toEqual({ error: "invalid_client", error_description: "invalid client_id or client_secret" });
    expect(tokenSchema("ErrorResponse", parsed)).toEqual([]);
  });
});

describe("MessagingApiClient pointed at the console", () => {
  test("sets the webhook endpoint ({}), and gets it back with active mirroring Use webhook", async () => {
    const set = await client.setWebhookEndpointWithHttpInfo({ endpoint: sdkBot.url });
    expect(set.httpResponse.status).toBe(200);
    expect(set.httpResponse.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(set.body).toEqual({});

    const got = await client.getWebhookEndpointWithHttpInfo();
    expect(got.httpResponse.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.body).toEqual({ endpoint: sdkBot.url, active: true });
    expect(messagingSchema("GetWebhookEndpointResponse", got.body)).toEqual([]);

    // An Admin turns Use webhook off in the console: the API says the endpoint is inactive.
    await channels.setWebhookSetting(await setup.accessOf(setup.adminId, main.id), "useWebhook", false);
    expect(await client.getWebhookEndpoint()).toEqual({ endpoint: sdkBot.url, active: false });
    await channels.setWebhookSetting(await setup.accessOf(setup.adminId, main.id), "useWebhook", true);
    expect((await setup.db().channel.findUniqueOrThrow({ where: { id: main.id } })).webhookUrl).toBe(sdkBot.url);
  });

  test("tests the saved URL with no body or {}: a bot on the SDK's middleware accepts the signed request", async () => {
    const before = Date.now();
    for (const call of [() => client.testWebhookEndpoint(), () => client.testWebhookEndpoint({})]) {
      const result = await call();
      expectTestResponse(result);
      expect(result).toEqual({ success: true, timestamp: expect.any(String), statusCode: 200, reason: "OK", detail: "200" });
      // The SDK types timestamp as a Date, but hands over the JSON's ISO string as it came.
      expect(result.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const sentAt = Date.parse(String(result.timestamp));
      expect(sentAt).toBeGreaterThanOrEqual(before - 1000);
      expect(sentAt).toBeLessThanOrEqual(Date.now());
    }
    expect(sdkBot.rejected).toEqual([]);
    expect(sdkBot.received).toEqual([
      { destination: main.botUserId, events: [] },
      { destination: main.botUserId, events: [] },
    ]);
  });

  test("tests another URL without saving it; a bot with another channel's secret refuses the signature", async () => {
    const result = await client.testWebhookEndpoint({ endpoint: strangerBot.url });
    expectTestResponse(result);
    expect(result).toMatchObject({ success: false, statusCode: 401, reason: "ERROR_STATUS_CODE", detail: "401" });
    expect(strangerBot.rejected).toEqual(["signature validation failed"]);
    expect((await client.getWebhookEndpoint()).endpoint).toBe(sdkBot.url);
  });

  // The chaos bot's plain-http behaviours: the app's sender trusts only public CAs, so the https
  // ones would all fail the TLS handshake here.
  const failures = ["status-500", "redirect-302", "hang", "slow", "close-mid-request", "malformed-headers", "not-http", "refused"];
  const seenReasons = new Set<string>();

  test.each(failures)("reports the chaos bot's %s with LINE's upper-case reason and detail", async (name) => {
    const { url, expected } = behaviour(name);
    if (expected === "success") throw new Error(`${name} is not a failure`);
    const result = await client.testWebhookEndpoint({ endpoint: url });
    expectTestResponse(result);
    const statusCode = expected.reason === "error_status_code" ? Number(expected.detail) : 0;
    expect(result).toMatchObject({ success: false, statusCode, reason: apiReason(expected.reason), detail: expected.detail });
    seenReasons.add(result.reason);
  });

  test("has reported every failure reason, and the saved URL is still the SDK bot's", async () => {
    expect([...seenReasons].sort()).toEqual(["COULD_NOT_CONNECT", "ERROR_STATUS_CODE", "REQUEST_TIMEOUT", "UNCLASSIFIED"]);
    expect(await client.getWebhookEndpoint()).toEqual({ endpoint: sdkBot.url, active: true });
  });

  test("logs every test, and counts none in error statistics though aggregation is on", async () => {
    const logged = () => setup.db().deliveryAttempt.count({ where: { channelId: main.id, kind: "test" } });
    await expect.poll(logged).toBe(3 + failures.length);
    expect(await setup.db().deliveryAttempt.count({ where: { channelId: main.id, kind: "test", success: false } })).toBe(1 + failures.length);
    expect((await setup.db().channel.findUniqueOrThrow({ where: { id: main.id } })).errorStatisticsAggregation).toBe(true);
    expect(await setup.db().errorStat.count({ where: { channelId: main.id } })).toBe(0);
  });
});

describe("errors the SDK raises as HTTPFetchError", () => {
  test("401 for a token that is not one", async () => {
    const { error, body } = await lineError(clientFor("not-a-real-token").getWebhookEndpoint());
    expect(error.status).toBe(401);
    expect(body.message).toContain("Authentication failed");
  });

  test("400 for a 600-character URL, to set or to test, and the saved URL stays", async () => {
    const endpoint = `https://example.com/${"a".repeat(580)}`;
    expect(endpoint).toHaveLength(600);
    // One call at a time: a second call started early could fail before anything awaits it.
    for (const call of [() => client.setWebhookEndpoint({ endpoint }), () => client.testWebhookEndpoint({ endpoint })]) {
      const { error, body } = await lineError(call());
      expect(error.status).toBe(400);
      expect(body).toEqual({
        message: "Invalid webhook endpoint URL",
        details: [{ property: "endpoint", message: "The Webhook URL must be at most 500 characters (it has 600)." }],
      });
    }
    expect((await client.getWebhookEndpoint()).endpoint).toBe(sdkBot.url);
  });

  test("404 to get the endpoint of a channel with no Webhook URL, and 400 to test it", async () => {
    const bare = await setup.channelFor("SDK no URL", fastBot.url);
    await setup.db().channel.update({ where: { id: bare.id }, data: { webhookUrl: null } });
    const bareClient = clientFor(await issueToken(bare));
    const missing = await lineError(bareClient.getWebhookEndpoint());
    expect(missing.error.status).toBe(404);
    const untestable = await lineError(bareClient.testWebhookEndpoint());
    expect(untestable.error.status).toBe(400);
    expect(untestable.body.details?.[0]).toMatchObject({ property: "endpoint", message: expect.stringContaining("No Webhook URL is set") });
  });

  test("404 in LINE's shape for an API this console does not have", async () => {
    const { error, body } = await lineError(client.getRichMenuList());
    expect(error.status).toBe(404);
    expect(body).toEqual({ message: "Not found" });
  });

  test("429 after 60 tests in an hour, for that channel's test endpoint only", async () => {
    const limited = await setup.channelFor("SDK rate limit", fastBot.url);
    const limitedClient = clientFor(await issueToken(limited));
    for (let batch = 0; batch < 6; batch++) {
      const results = await Promise.all(Array.from({ length: 10 }, () => limitedClient.testWebhookEndpoint()));
      for (const result of results) expect(result.reason).toBe("OK");
    }
    const { error, body } = await lineError(limitedClient.testWebhookEndpoint());
    expect(error.status).toBe(429);
    expect(body.message).toBe("The API rate limit has been exceeded. Try again later.");
    const retryAfter = Number(error.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3000);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // The limit is the test endpoint's, of this channel: reading the endpoint and other channels' tests go on.
    expect(await limitedClient.getWebhookEndpoint()).toEqual({ endpoint: fastBot.url, active: true });
    expect((await client.testWebhookEndpoint()).reason).toBe("OK");
  });
});
