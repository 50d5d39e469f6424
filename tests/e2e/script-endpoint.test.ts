import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { url } from "./browser";

let bot: TestBot;
let channel: { id: string; channelSecret: string };
let token: string;
let setup: Awaited<ReturnType<typeof arrange>>;
const USER = `U${"c".repeat(32)}`;

async function issueToken(channelId: string, secret: string) {
  return fetch(url("/v2/oauth/accessToken"), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: channelId, client_secret: secret }),
  });
}

function postEvents(channelId: string, body: string, bearer = token) {
  return fetch(url(`/api/channels/${channelId}/events`), {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
    body,
  });
}

beforeAll(async () => {
  setup = await arrange();
  bot = await startBot();
  channel = await setup.channelFor("Script bot", bot.url);
  const response = await issueToken(channel.id, channel.channelSecret);
  expect(response.status).toBe(200);
  const issued = await response.json();
  expect(issued).toMatchObject({ expires_in: 2592000, token_type: "Bearer" });
  token = issued.access_token;
});

afterAll(async () => {
  await bot?.close();
});

describe("the script endpoint", () => {
  test("accepts a batch, answers 202 with the events' IDs, and delivers them", async () => {
    const events = [
      { type: "message", userId: USER, text: "one" },
      { type: "follow", userId: USER },
      { type: "postback", userId: USER, data: "a=1" },
      { type: "unfollow", userId: USER },
    ];
    const response = await postEvents(channel.id, JSON.stringify({ events }));
    expect(response.status).toBe(202);
    expect(response.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const body = await response.json();
    expect(body).toMatchObject({ accepted: 4, willSend: true });
    await expect.poll(() => bot.received.length, { timeout: 10_000 }).toBe(4);
    expect(bot.received.map((r) => JSON.parse(r.body).events[0].webhookEventId)).toEqual(body.webhookEventIds);
  });

  test("names the field at fault in malformed events, and accepts none of them", async () => {
    const before = await setup.db().webhookEvent.count({ where: { channelId: channel.id } });
    const cases: [string, string][] = [
      [JSON.stringify({ events: [{ type: "message", userId: USER, text: "ok" }, { type: "message", userId: USER }] }), "events[1].text"],
      [JSON.stringify({ events: [{ type: "message", userId: "bob", text: "x" }] }), "events[0].userId"],
      [JSON.stringify({ events: [{ type: "sticker", userId: USER }] }), "events[0].type"],
      [JSON.stringify({ events: [] }), "events"],
      [JSON.stringify({}), "events"],
    ];
    for (const [body, property] of cases) {
      const response = await postEvents(channel.id, body);
      expect(response.status).toBe(400);
      const error = await response.json();
      expect(error.details[0].property).toBe(property);
      expect(error.message).toBe("The request body has 1 error(s)");
    }
    const notJson = await postEvents(channel.id, "{events: nope");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).details[0].message).toBe("The request body is not valid JSON.");
    expect(await setup.db().webhookEvent.count({ where: { channelId: channel.id } })).toBe(before);
  });

  test("answers 401 without a valid token and 404 for a channel the token is not for", async () => {
    const valid = JSON.stringify({ events: [{ type: "follow", userId: USER }] });
    expect((await postEvents(channel.id, valid, "not-a-token")).status).toBe(401);
    const unauthenticated = await fetch(url(`/api/channels/${channel.id}/events`), { method: "POST", body: valid });
    expect(unauthenticated.status).toBe(401);
    expect((await unauthenticated.json()).message).toContain("Authentication failed");
    expect((await postEvents("1234567890", valid)).status).toBe(404);
    expect((await postEvents(inject("demoChannel").id, valid)).status).toBe(404);
  });

  test("refuses client credentials that do not match", async () => {
    const response = await issueToken(channel.id, "0".repeat(32));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_client", error_description: "invalid client_id or client_secret" });
  });
});
