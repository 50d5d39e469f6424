import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as getEndpoint, PUT as putEndpoint, POST as postEndpoint } from "@/app/v2/bot/channel/webhook/endpoint/route";
import { POST as postTest } from "@/app/v2/bot/channel/webhook/test/route";
import { POST as postEvents } from "@/app/api/channels/[channelId]/events/route";
import { createChannel, setWebhookSetting } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { getWebhookEndpoint, setWebhookEndpoint, testWebhookEndpoint } from "@/lib/http/messaging-api";
import { hitRateLimit, RATE_LIMITS } from "@/lib/http/rate-limit";
import { createProvider } from "@/lib/console/providers";
import {
  channelForToken,
  issueAccessToken,
  issueTokenForClientCredentials,
  listAccessTokens,
  revokeAccessToken,
  SHORT_LIVED_TOKEN_SECONDS,
} from "@/lib/console/tokens";
import { createUser } from "@/lib/auth/users";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { signBody } from "@/lib/webhook/signature";
import { startBot, type TestBot } from "../support/bots";
import { createLineSchemaCheck } from "../support/line-schemas";
import { accessOf, joinChannel } from "../support/access";

const ORIGIN = "http://localhost:3000";
const schema = createLineSchemaCheck("messaging-api");
let admin: string;
let member: string;
let tester: string;
let providerId: string;
const bots: TestBot[] = [];

async function newChannel(name: string) {
  const { id } = await createChannel(admin, providerId, { name, description: "", email: "" });
  return db().channel.findUniqueOrThrow({ where: { id } });
}

async function bot(answer?: Parameters<typeof startBot>[0]) {
  const started = await startBot(answer);
  bots.push(started);
  return started;
}

/** Calls a route handler in this process, as Next would, with a bearer token. */
function call(
  handler: (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>,
  token: string | null,
  init: { method: string; body?: string; path?: string },
) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const req = new Request(`${ORIGIN}${init.path ?? "/v2/bot/channel/webhook/endpoint"}`, {
    method: init.method,
    headers,
    body: init.body,
  });
  return handler(req, { params: Promise.resolve({}) });
}

/** The error body, checked against LINE's ErrorResponse schema. */
async function lineError(response: Response) {
  expect(response.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  const body = await response.json();
  expect(schema("ErrorResponse", body)).toEqual([]);
  return body as { message: string; details?: { property?: string; message: string }[] };
}

beforeAll(async () => {
  admin = (await createUser("api-admin@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "API")).id;
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.close()));
  await closeWebhookConnections();
});

describe("the response checks", () => {
  test("are not vacuous: they reject what LINE's schema forbids", () => {
    const answer = { success: true, timestamp: "2025-01-02T03:04:05.000Z", statusCode: 200, reason: "OK", detail: "200" };
    expect(schema("TestWebhookEndpointResponse", answer)).toEqual([]);
    expect(schema("TestWebhookEndpointResponse", { ...answer, timestamp: "yesterday" })).not.toEqual([]);
    expect(schema("TestWebhookEndpointResponse", { ...answer, statusCode: 200.5 })).not.toEqual([]);
    expect(schema("GetWebhookEndpointResponse", { endpoint: "not a URL", active: true })).not.toEqual([]);
    expect(schema("ErrorResponse", { details: [{ message: "May not be empty" }] })).not.toEqual([]);
  });
});

describe("the webhook endpoint, in lib", () => {
  test("is unknown until set; then it is the saved URL, active while Use webhook is on", async () => {
    const channel = await newChannel("Endpoint");
    expect(await getWebhookEndpoint(channel.id)).toBeNull();
    expect(await setWebhookEndpoint(channel.id, " https://bot.example.com/callback ")).toEqual({
      ok: true,
      value: "https://bot.example.com/callback",
    });
    expect(await getWebhookEndpoint(channel.id)).toEqual({ endpoint: "https://bot.example.com/callback", active: false });
    await setWebhookSetting(await accessOf(admin, channel.id), "useWebhook", true);
    expect(await getWebhookEndpoint(channel.id)).toEqual({ endpoint: "https://bot.example.com/callback", active: true });
  });

  test.each([
    [`https://example.com/${"a".repeat(600)}`, "at most 500 characters"],
    ["ftp://example.com/hook", "must start with https:// or http://"],
    ["example.com/callback", "is not a valid URL"],
    ["", "Enter a Webhook URL."],
  ])("refuses %j with the console's words and keeps the saved URL", async (input, problem) => {
    const channel = await newChannel("Refuses");
    await setWebhookEndpoint(channel.id, "https://bot.example.com/kept");
    const outcome = await setWebhookEndpoint(channel.id, input);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problem).toContain(problem);
    expect((await getWebhookEndpoint(channel.id))?.endpoint).toBe("https://bot.example.com/kept");
  });

  test("test sends the signed empty-events request to the saved URL and reports OK", async () => {
    const target = await bot();
    const channel = await newChannel("Test OK");
    await setWebhookEndpoint(channel.id, target.url);
    const outcome = await testWebhookEndpoint(channel.id);
    expect(outcome).toMatchObject({ ok: true, value: { success: true, statusCode: 200, reason: "OK", detail: "200" } });
    if (outcome.ok) expect(schema("TestWebhookEndpointResponse", outcome.value)).toEqual([]);
    expect(target.received).toHaveLength(1);
    const [request] = target.received;
    expect(JSON.parse(request.body)).toEqual({ destination: channel.botUserId, events: [] });
    expect(request.headers["x-line-signature"]).toBe(signBody(channel.channelSecret, request.body));
  });

  test("test of another URL leaves the saved one alone; with neither, it says what to do", async () => {
    const channel = await newChannel("Test other");
    expect(await testWebhookEndpoint(channel.id)).toEqual({ ok: false, problem: expect.stringContaining("No Webhook URL is set") });
    const target = await bot((_req, res) => void res.writeHead(404).end());
    const outcome = await testWebhookEndpoint(channel.id, target.url);
    expect(outcome).toMatchObject({ ok: true, value: { success: false, statusCode: 404, reason: "ERROR_STATUS_CODE", detail: "404" } });
    expect(await getWebhookEndpoint(channel.id)).toBeNull();
  });

  test("tests are logged, and never counted in error statistics while aggregation is on", async () => {
    const target = await bot((_req, res) => void res.writeHead(500).end());
    const channel = await newChannel("Never counted");
    await setWebhookEndpoint(channel.id, target.url);
    await setWebhookSetting(await accessOf(admin, channel.id), "useWebhook", true);
    await setWebhookSetting(await accessOf(admin, channel.id), "errorStatisticsAggregation", true);
    for (let i = 0; i < 3; i++) {
      expect(await testWebhookEndpoint(channel.id)).toMatchObject({ ok: true, value: { reason: "ERROR_STATUS_CODE", detail: "500" } });
    }
    expect(await db().deliveryAttempt.count({ where: { channelId: channel.id, kind: "test", success: false } })).toBe(3);
    expect(await db().errorStat.count({ where: { channelId: channel.id } })).toBe(0);
  });
});

describe("the route handlers' one wrapper", () => {
  test("answers 401 in LINE's shape for a missing, unknown or revoked token", async () => {
    const channel = await newChannel("Auth");
    const { token, id } = await issueAccessToken(await accessOf(admin, channel.id), "to revoke");
    expect((await call(getEndpoint, token, { method: "GET" })).status).toBe(404);
    await revokeAccessToken(await accessOf(admin, channel.id), id);
    for (const bearer of [null, "not-a-token", token]) {
      const response = await call(getEndpoint, bearer, { method: "GET" });
      expect(response.status).toBe(401);
      expect((await lineError(response)).message).toContain("Authentication failed");
    }
  });

  test("names the property at fault in a bad body, and saves nothing", async () => {
    const channel = await newChannel("Bodies");
    const { token } = await issueAccessToken(await accessOf(admin, channel.id));
    const cases: [string | undefined, { message: string; details: { property?: string; message: string }[] }][] = [
      ["{}", { message: "The request body has 1 error(s)", details: [{ property: "endpoint", message: "must be specified" }] }],
      ['{"endpoint":5}', { message: "The request body has 1 error(s)", details: [{ property: "endpoint", message: "must be a string" }] }],
      ["[]", { message: "The request body has 1 error(s)", details: [{ message: "The request body must be a JSON object." }] }],
      [undefined, { message: "The request body has 1 error(s)", details: [{ message: "The request body must be a JSON object." }] }],
      ["{endpoint:", { message: "The request body has 1 error(s)", details: [{ message: "The request body is not valid JSON." }] }],
      [
        '{"endpoint":"http://exa mple.com"}',
        { message: "Invalid webhook endpoint URL", details: [{ property: "endpoint", message: "The Webhook URL must not contain spaces." }] },
      ],
    ];
    for (const [body, expected] of cases) {
      const response = await call(putEndpoint, token, { method: "PUT", body });
      expect(response.status).toBe(400);
      expect(await lineError(response)).toEqual(expected);
    }
    expect(await getWebhookEndpoint(channel.id)).toBeNull();
  });

  test("PUT answers {} and GET then reads it back, with a request ID on each", async () => {
    const channel = await newChannel("Round trip");
    const { token } = await issueAccessToken(await accessOf(admin, channel.id));
    const put = await call(putEndpoint, token, { method: "PUT", body: '{"endpoint":"https://bot.example.com/hook"}' });
    expect(put.status).toBe(200);
    expect(put.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await put.json()).toEqual({});
    const get = await call(getEndpoint, token, { method: "GET" });
    const body = await get.json();
    expect(body).toEqual({ endpoint: "https://bot.example.com/hook", active: false });
    expect(schema("GetWebhookEndpointResponse", body)).toEqual([]);
  });

  test("answers a method the endpoint does not have with 405 in LINE's shape", async () => {
    const channel = await newChannel("Methods");
    const { token } = await issueAccessToken(await accessOf(admin, channel.id));
    const response = await call(postEndpoint, token, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, PUT, HEAD, OPTIONS");
    expect((await lineError(response)).message).toBe("Method Not Allowed");
  });

  test("lets a channel read and set its endpoint 1,000 times a minute, then answers 429", async () => {
    const channel = await newChannel("Busy");
    const other = await newChannel("Quiet");
    const { token } = await issueAccessToken(await accessOf(admin, channel.id));
    const { token: otherToken } = await issueAccessToken(await accessOf(admin, other.id));
    for (let i = 0; i < 1000; i++) {
      const response =
        i % 2 === 0
          ? await call(putEndpoint, token, { method: "PUT", body: '{"endpoint":"https://a.example/"}' })
          : await call(getEndpoint, token, { method: "GET" });
      expect(response.status).toBe(200);
    }
    const refused = await call(getEndpoint, token, { method: "GET" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await lineError(refused)).message).toBe("The API rate limit has been exceeded. Try again later.");
    // Another channel, and the same channel's test endpoint, have limits of their own.
    expect((await call(getEndpoint, otherToken, { method: "GET" })).status).toBe(404);
    const test = await call(postTest, token, { method: "POST", path: "/v2/bot/channel/webhook/test", body: '{"endpoint":"ftp://x"}' });
    expect(test.status).toBe(400);
  });
});

describe("the script endpoint", () => {
  const USER = `U${"a".repeat(32)}`;

  function send(channelId: string, token: string, body: string) {
    const req = new Request(`${ORIGIN}/api/channels/${channelId}/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body,
    });
    return postEvents(req, { params: Promise.resolve({ channelId }) });
  }

  test("answers 202 with the stored events, and 404 to a token of another channel", async () => {
    const channel = await newChannel("Script");
    const other = await newChannel("Script neighbour");
    const { token } = await issueAccessToken(await accessOf(admin, channel.id));
    const { token: otherToken } = await issueAccessToken(await accessOf(admin, other.id));
    const body = JSON.stringify({ events: [{ type: "follow", userId: USER }] });
    const accepted = await send(channel.id, token, body);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ accepted: 1, willSend: false });
    const stranger = await send(channel.id, otherToken, body);
    expect(stranger.status).toBe(404);
    expect((await stranger.json()).message).toBe("Not found: no channel with this ID for this access token.");
    expect(await db().webhookEvent.count({ where: { channelId: channel.id } })).toBe(1);
  });

  test("lists every problem of a bad batch, with the real count, and stores none of it", async () => {
    const channel = await newChannel("Script errors");
    const { token } = await issueAccessToken(await accessOf(admin, channel.id));
    const response = await send(
      channel.id,
      token,
      JSON.stringify({ events: [{ type: "message", userId: USER }, { type: "follow", userId: "bob" }] }),
    );
    expect(response.status).toBe(400);
    const error = await response.json();
    expect(error.message).toBe("The request body has 2 error(s)");
    expect(error.details.map((d: { property: string }) => d.property)).toEqual(["events[0].text", "events[1].userId"]);
    expect(await db().webhookEvent.count({ where: { channelId: channel.id } })).toBe(0);
  });

  test("has the token endpoints' rate limit: 1,000 requests a minute per channel, then 429", async () => {
    const channel = await newChannel("Script busy");
    const { token } = await issueAccessToken(await accessOf(admin, channel.id));
    expect(RATE_LIMITS.scriptEvents).toEqual({ limit: 1000, windowMs: 60_000 });
    for (let i = 0; i < 999; i++) await hitRateLimit(channel.id, "scriptEvents");
    const body = JSON.stringify({ events: [{ type: "unfollow", userId: USER }] });
    expect((await send(channel.id, token, body)).status).toBe(202);
    const refused = await send(channel.id, token, body);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await db().webhookEvent.count({ where: { channelId: channel.id } })).toBe(1);
  });
});

describe("channel access tokens, by role", () => {
  let channelId: string;

  beforeAll(async () => {
    channelId = (await newChannel("Roles")).id;
    await joinChannel(await accessOf(admin, channelId), "api-member@example.com", "MEMBER");
    await joinChannel(await accessOf(admin, channelId), "api-tester@example.com", "TESTER");
    member = (await db().user.findUniqueOrThrow({ where: { email: "api-member@example.com" } })).id;
    tester = (await db().user.findUniqueOrThrow({ where: { email: "api-tester@example.com" } })).id;
  });

  test("Admins issue and revoke; Members only list; Testers see none", async () => {
    const issued = await issueAccessToken(await accessOf(admin, channelId), "CI");
    expect(await channelForToken(issued.token)).toBe(channelId);
    expect((await listAccessTokens(await accessOf(member, channelId))).map((t) => t.label)).toContain("CI");
    await expect(accessOf(tester, channelId).then((access) => listAccessTokens(access))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(member, channelId).then((access) => issueAccessToken(access, "mine"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(member, channelId).then((access) => revokeAccessToken(access, issued.id))).rejects.toBeInstanceOf(NotFoundError);
    await revokeAccessToken(await accessOf(admin, channelId), issued.id);
    expect(await channelForToken(issued.token)).toBeNull();
    expect(await listAccessTokens(await accessOf(admin, channelId))).toEqual([]);
  });

  test("a channel keeps its 30 newest short-lived tokens; expired ones go; long-lived ones stay", async () => {
    const channel = await newChannel("Many scripts");
    const longLived = await issueAccessToken(await accessOf(admin, channel.id), "CI");
    const start = Date.now();
    const issued: string[] = [];
    for (let i = 0; i < 32; i++) {
      const token = await issueTokenForClientCredentials(channel.id, channel.channelSecret, new Date(start + i * 1000));
      issued.push(token!.token);
    }
    // The two oldest ended when the 31st and 32nd were issued.
    const working = await Promise.all(issued.map((t) => channelForToken(t, new Date(start + 40_000))));
    expect(working.map((c) => c !== null)).toEqual([false, false, ...Array(30).fill(true)]);
    expect(await channelForToken(longLived.token)).toBe(channel.id);
    const listed = await listAccessTokens(await accessOf(admin, channel.id));
    expect(listed.filter((t) => t.expiresAt !== null)).toHaveLength(30);
    expect(listed.filter((t) => t.expiresAt === null).map((t) => t.label)).toEqual(["CI"]);

    // Thirty days and a bit later, the next issue deletes every expired one.
    const later = new Date(start + SHORT_LIVED_TOKEN_SECONDS * 1000 + 60_000);
    await issueTokenForClientCredentials(channel.id, channel.channelSecret, later);
    const rows = await db().channelAccessToken.findMany({ where: { channelId: channel.id } });
    expect(rows.map((r) => r.expiresAt === null ? "long-lived" : r.createdAt.getTime() === later.getTime() ? "new" : "old").sort()).toEqual([
      "long-lived",
      "new",
    ]);
  });
});
