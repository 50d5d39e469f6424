import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startBot, type TestBot } from "../support/bots";
import { createLineSchemaCheck } from "../support/line-schemas";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

const check = createLineSchemaCheck("webhook");

let browser: Browser;
let page: Page;
let bot: TestBot;
let channelId: string;
let setup: Awaited<ReturnType<typeof arrange>>;

beforeAll(async () => {
  setup = await arrange();
  bot = await startBot();
  channelId = (await setup.channelFor("Group bot", bot.url)).id;
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

type ReceivedEvent = Record<string, unknown> & { type: string; source: Record<string, string> };

/**
 * The event the bot receives for what `act` does in the page, once the Simulator lists it as
 * delivered: as a user would, the journey waits for the page to settle before the next thing.
 */
async function eventFrom(act: () => Promise<void>): Promise<ReceivedEvent> {
  const count = bot.received.length;
  await act();
  await expect.poll(() => bot.received.length, { timeout: 10_000 }).toBe(count + 1);
  await expect.poll(() => page.getByTestId("simulator-event").count(), { timeout: 10_000 }).toBe(count + 1);
  await expect.poll(() => page.getByTestId("simulator-outcome").first().textContent(), { timeout: 10_000 }).toMatch(/^Delivered/);
  const event = (JSON.parse(bot.received[count].body) as { events: ReceivedEvent[] }).events[0];
  // messageEdited is not in LINE's published schema yet; every other field is a message event's.
  expect(check("Event", event.type === "messageEdited" ? { ...event, type: "message" } : event)).toEqual([]);
  return event;
}

async function sendMore(label: string, fields: Record<string, string> = {}): Promise<ReceivedEvent> {
  await page.getByLabel("Event", { exact: true }).selectOption({ label });
  for (const [field, value] of Object.entries(fields)) await page.getByLabel(field, { exact: true }).fill(value);
  return eventFrom(() => page.getByRole("button", { name: "Send event" }).click());
}

/** Clicks a button of the panel's own (Send message, Send postback, Follow) and returns the event. */
function clickFor(name: string): Promise<ReceivedEvent> {
  return eventFrom(() => page.getByRole("button", { name, exact: true }).click());
}

async function userIdOf(name: string): Promise<string> {
  return (await setup.db().simulatedUser.findFirstOrThrow({ where: { channelId, displayName: name } })).id;
}

describe("the Simulator's groups, rooms and every event type", () => {
  test("a group of simulated users: its messages, stickers and edits carry the group's and the sender's IDs", async () => {
    await visit(page, `/channels/${channelId}/simulator`);
    for (const name of ["Alice", "Bob"]) {
      await page.getByLabel("New user's display name").fill(name);
      await page.getByRole("button", { name: "Add user" }).click();
      await page.locator('select[aria-label="Simulated user"] option', { hasText: name }).waitFor({ state: "attached" });
    }
    const alice = await userIdOf("Alice");
    await page.getByLabel("Simulated user").selectOption({ label: `Alice (${alice.slice(0, 9)}…)` });

    await page.getByLabel("Group name").fill("Lunch");
    await page.getByRole("checkbox", { name: "Alice" }).check();
    await page.getByRole("checkbox", { name: "Bob" }).check();
    await page.getByRole("button", { name: "Create group" }).click();
    await expect.poll(() => page.getByLabel("Chat").locator("option:checked").textContent(), { timeout: 10_000 }).toBe(
      "Group Lunch (Alice, Bob)",
    );
    const group = await setup.db().simulatedGroup.findFirstOrThrow({ where: { channelId, kind: "group" } });
    expect(group.id).toMatch(/^C[0-9a-f]{32}$/);

    const joined = await sendMore("The bot joins");
    expect(joined).toMatchObject({ type: "join", source: { type: "group", groupId: group.id } });
    expect(joined.source).not.toHaveProperty("userId");

    await page.getByLabel("Message text").fill("who is hungry?");
    const text = await clickFor("Send message");
    expect(text).toMatchObject({ type: "message", source: { type: "group", groupId: group.id, userId: alice } });
    const message = text.message as { id: string; quoteToken: string };

    const mention = await sendMore("Text with a mention", { "Text after the mention": "lunch?" });
    expect(mention.message).toMatchObject({
      type: "text",
      text: "@All lunch?",
      mention: { mentionees: [{ type: "all", index: 0, length: 4 }] },
    });

    expect(await sendMore("Sticker")).toMatchObject({
      message: { type: "sticker", packageId: "446", stickerId: "1988" },
      source: { groupId: group.id, userId: alice },
    });

    await page.getByRole("row", { name: /who is hungry\?/ }).waitFor();
    await page.getByLabel("Event", { exact: true }).selectOption({ label: "Edit an earlier message" });
    await page.getByLabel("Earlier message").selectOption({ label: `who is hungry? (${message.id})` });
    const edited = await sendMore("Edit an earlier message", { "Edited text": "who is hungry now?" });
    expect(edited).toMatchObject({ type: "messageEdited", message: { type: "text", id: message.id, text: "who is hungry now?" } });
    expect((edited.message as { quoteToken: string }).quoteToken).not.toBe(message.quoteToken);
    expect(edited.replyToken).not.toBe(text.replyToken);

    expect(await clickFor("Send postback")).toMatchObject({ type: "postback", source: { type: "group", groupId: group.id, userId: alice } });

    const left = await sendMore("The user leaves");
    expect(left).toMatchObject({ type: "memberLeft", left: { members: [{ type: "user", userId: alice }] } });
    expect(left).not.toHaveProperty("replyToken");
    await expect.poll(() => page.getByLabel("Chat").locator("option:checked").textContent(), { timeout: 10_000 }).toBe("Group Lunch (Bob)");
    await page.getByLabel("Message text").fill("still here?");
    await page.getByRole("button", { name: "Send message" }).click();
    await expect.poll(() => page.locator(`p[role="alert"]`).textContent(), { timeout: 10_000 }).toBe("This user is not in the group.");
  });

  test("a room, and the one-to-one chat's own events", async () => {
    await page.getByLabel("Group or room", { exact: true }).selectOption("room");
    await page.getByRole("checkbox", { name: "Alice" }).check();
    await page.getByRole("checkbox", { name: "Bob" }).check();
    await page.getByRole("button", { name: "Create room" }).click();
    await expect.poll(() => page.getByLabel("Chat").locator("option:checked").textContent(), { timeout: 10_000 }).toBe("Room (Alice, Bob)");
    const room = await setup.db().simulatedGroup.findFirstOrThrow({ where: { channelId, kind: "room" } });
    const location = await sendMore("Location");
    expect(location).toMatchObject({
      message: { type: "location", title: "Tokyo Tower", latitude: 35.6586, longitude: 139.7454 },
      source: { type: "room", roomId: room.id, userId: await userIdOf("Alice") },
    });

    await page.getByLabel("Chat").selectOption({ label: "One-to-one chat with the bot" });
    expect(await sendMore("Postback from a date picker", { Date: "2025-02-28" })).toMatchObject({
      postback: { data: "action=pick", params: { date: "2025-02-28" } },
      source: { type: "user" },
    });
    expect(await sendMore("Beacon")).toMatchObject({ type: "beacon", beacon: { hwid: "d41d8cd98f", type: "enter" } });
    expect(await sendMore("Image")).toMatchObject({ message: { type: "image", contentProvider: { type: "line" } } });
    expect(await clickFor("Follow")).toMatchObject({ type: "follow", follow: { isUnblocked: false } });

    // A bad value gets the spec's own words, and nothing is sent.
    await page.getByLabel("Event", { exact: true }).selectOption({ label: "Postback from a time picker" });
    await page.getByLabel("Time", { exact: true }).fill("25:00");
    const before = bot.received.length;
    await page.getByRole("button", { name: "Send event" }).click();
    await expect.poll(() => page.locator(`p[role="alert"]`).textContent(), { timeout: 10_000 }).toContain("as 23:59");
    expect(bot.received.length).toBe(before);
    await expect
      .poll(() => page.getByTestId("simulator-outcome").first().textContent(), { timeout: 10_000 })
      .toMatch(/^Delivered · 200/);
  });
});

describe("every event type through the script endpoint", () => {
  test("`npm run simulate -- --mix` sends all thirteen types, each as LINE's schema has it", async () => {
    const mixBot = await startBot();
    try {
      const channel = await setup.channelFor("Mix bot", mixBot.url);
      const root = path.resolve(import.meta.dirname, "../..");
      const args = ["--import", "tsx", "scripts/simulate.ts", "--url", url(""), "--channel", `${channel.id}:${channel.channelSecret}`];
      const run = await promisify(execFile)(process.execPath, [...args, "--rate", "300", "--duration", "1", "--users", "3", "--mix"], {
        cwd: root,
      });
      expect(run.stdout).toContain("events accepted   300 of 300");
      await expect.poll(() => mixBot.received.length, { timeout: 30_000 }).toBe(300);
      const events = mixBot.received.map((r) => (JSON.parse(r.body) as { events: ReceivedEvent[] }).events[0]);
      expect(new Set(events.map((e) => e.type))).toEqual(
        new Set(["message", "messageEdited", "follow", "unfollow", "join", "leave", "memberJoined", "memberLeft", "postback", "unsend", "videoPlayComplete", "beacon", "accountLink"]),
      );
      const messages = events.flatMap((e) => (e.type === "message" ? [(e.message as { type: string }).type] : []));
      expect(new Set(messages)).toEqual(new Set(["text", "image", "video", "audio", "file", "location", "sticker"]));
      expect(new Set(events.map((e) => e.source.type))).toEqual(new Set(["user", "group", "room"]));
      for (const event of events) {
        expect(check("Event", event.type === "messageEdited" ? { ...event, type: "message" } : event)).toEqual([]);
      }
    } finally {
      await mixBot.close();
    }
  });
});
