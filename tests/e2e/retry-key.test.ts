import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { url } from "./browser";

let bot: TestBot;
let channel: { id: string; channelSecret: string };
let token: string;
let setup: Awaited<ReturnType<typeof arrange>>;
const USER = `U${"d".repeat(32)}`;

function postEvents(body: unknown, headers: Record<string, string> = {}) {
  return fetch(url(`/api/channels/${channel.id}/events`), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function batch(...texts: string[]) {
  return { events: texts.map((text) => ({ type: "message", userId: USER, text })) };
}

const storedEvents = () => setup.db().webhookEvent.count({ where: { channelId: channel.id } });

beforeAll(async () => {
  setup = await arrange();
  bot = await startBot();
  channel = await setup.channelFor("Retry key bot", bot.url);
  const response = await fetch(url("/v2/oauth/accessToken"), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: channel.id, client_secret: channel.channelSecret }),
  });
  token = (await response.json()).access_token;
});

afterAll(async () => {
  await bot?.close();
});

describe("X-Line-Retry-Key on the script endpoint", () => {
  test("a repeat of an accepted key stores nothing and answers 409 with the first request's IDs", async () => {
    const key = randomUUID();
    const first = await postEvents(batch("one", "two"), { "X-Line-Retry-Key": key });
    expect(first.status).toBe(202);
    const accepted = await first.json();
    expect(accepted).toMatchObject({ accepted: 2, willSend: true });
    await expect.poll(() => bot.received.length, { timeout: 10_000 }).toBe(2);
    const before = await storedEvents();

    // The same key in capitals is the same UUID.
    for (const sent of [key, key.toUpperCase()]) {
      const repeat = await postEvents(batch("one", "two"), { "X-Line-Retry-Key": sent });
      expect(repeat.status).toBe(409);
      expect(repeat.headers.get("x-line-accepted-request-id")).toBe(first.headers.get("x-line-request-id"));
      expect(repeat.headers.get("x-line-request-id")).not.toBe(first.headers.get("x-line-request-id"));
      expect(await repeat.json()).toEqual({ message: "The retry key is already accepted", ...accepted });
    }
    expect(await storedEvents()).toBe(before);
    await new Promise((r) => setTimeout(r, 500));
    expect(bot.received.length).toBe(2);
  });

  test("two requests with one key at the same moment store one batch", async () => {
    const before = await storedEvents();
    const key = randomUUID();
    for (let round = 0; round < 5; round++) {
      const roundKey = round === 0 ? key : randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 4 }, (_, i) => postEvents(batch(`race ${round} ${i}`, "second"), { "X-Line-Retry-Key": roundKey })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([202, 409, 409, 409]);
      const bodies = await Promise.all(responses.map((r) => r.json()));
      const ids = bodies.map((b) => JSON.stringify(b.webhookEventIds));
      expect(new Set(ids).size).toBe(1);
    }
    expect(await storedEvents()).toBe(before + 5 * 2);
  });

  test("a key whose 24 hours are over stores a new batch", async () => {
    const key = randomUUID();
    const first = await (await postEvents(batch("day one"), { "X-Line-Retry-Key": key })).json();
    await setup.db().ingestRetryKey.update({
      where: { channelId_retryKey: { channelId: channel.id, retryKey: key } },
      data: { createdAt: new Date(Date.now() - 24 * 60 * 60 * 1000 - 1000) },
    });
    const later = await postEvents(batch("day two"), { "X-Line-Retry-Key": key });
    expect(later.status).toBe(202);
    const second = await later.json();
    expect(second.webhookEventIds).toHaveLength(1);
    expect(second.webhookEventIds).not.toEqual(first.webhookEventIds);
    expect((await postEvents(batch("day two"), { "X-Line-Retry-Key": key })).status).toBe(409);
  });

  test("a key that is not a UUID gets 400 and stores nothing", async () => {
    const before = await storedEvents();
    for (const key of ["", "not-a-uuid", `${randomUUID()}0`, randomUUID().replaceAll("-", "")]) {
      const response = await postEvents(batch("bad key"), { "X-Line-Retry-Key": key });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: "The value for the 'X-Line-Retry-Key' header is invalid" });
    }
    expect(await storedEvents()).toBe(before);
  });

  test("without a key every request stores its batch", async () => {
    const before = await storedEvents();
    expect((await postEvents(batch("again"))).status).toBe(202);
    expect((await postEvents(batch("again"))).status).toBe(202);
    expect(await storedEvents()).toBe(before + 2);
  });
});
