import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { HTTPFetchError, messagingApi, middleware, type WebhookRequestBody } from "@line/bot-sdk";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { arrange } from "./arrange";
import { launchBrowser, signIn, visit } from "./browser";

// The journey of a bot developer in the Simulator: a bot built with @line/bot-sdk as LINE's
// documentation builds one (its middleware and MessagingApiClient, only the base URL changed)
// echoes what a simulated user sends in real Chromium, and the chat shows it as LINE would.

const baseURL = inject("baseUrl");

let setup: Awaited<ReturnType<typeof arrange>>;
let browser: Browser;
let page: Page;
let channel: { id: string; channelSecret: string };
let client: messagingApi.MessagingApiClient;
let bot: { close(): Promise<void> };
/** What the bot's second reply with each token got back. */
const secondReplies: { status: number; body: string }[] = [];

async function byteCount(stream: Readable): Promise<number> {
  let count = 0;
  for await (const chunk of stream) count += (chunk as Uint8Array).length;
  return count;
}

/**
 * Text comes back as text with a quick reply, a sticker as a sticker, a postback as what it
 * carried, an image as what the bot fetched of it; then the bot tries its token a second time.
 */
async function startEchoBot(channelSecret: string, blob: messagingApi.MessagingApiBlobClient) {
  const checkSignature = middleware({ channelSecret });
  const server = createServer((req, res) => {
    const request = req as IncomingMessage & { body: WebhookRequestBody };
    void checkSignature(request, res, async (error) => {
      if (error) return void res.writeHead(401).end();
      for (const event of request.body.events) {
        if (!("replyToken" in event) || !event.replyToken) continue;
        let reply: messagingApi.Message[] = [];
        if (event.type === "message" && event.message.type === "text") {
          reply = [
            {
              type: "text",
              text: `echo: ${event.message.text}`,
              quickReply: { items: [{ type: "action", action: { type: "postback", label: "Again", data: "again" } }] },
            },
          ];
        } else if (event.type === "message" && event.message.type === "sticker") {
          reply = [{ type: "sticker", packageId: "446", stickerId: "1989" }];
        } else if (event.type === "message" && event.message.type === "image") {
          const { httpResponse, body } = await blob.getMessageContentWithHttpInfo(event.message.id);
          reply = [{ type: "text", text: `image: ${httpResponse.headers.get("content-type")}, ${await byteCount(body)} bytes` }];
        } else if (event.type === "postback") {
          reply = [
            {
              type: "template",
              altText: "Pick one",
              template: { type: "buttons", text: `postback: ${event.postback.data}`, actions: [{ type: "message", label: "Say yes", text: "yes" }] },
            },
          ];
        }
        if (reply.length === 0) continue;
        await client.replyMessage({ replyToken: event.replyToken, messages: reply });
        try {
          await client.replyMessage({ replyToken: event.replyToken, messages: [{ type: "text", text: "a second reply" }] });
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

const chat = () => page.getByTestId("chat");
const entries = () => chat().getByTestId("chat-entry");

/** The chat's entries in words, as a user reads them. */
async function chatLines(): Promise<string[]> {
  const all = await entries().all();
  return Promise.all(
    all.map(async (entry: Locator) => {
      const from = await entry.getAttribute("data-from");
      const bubble = (await entry.locator(".chat-bubble").textContent())?.trim() ?? "";
      return `${from}: ${bubble}`;
    }),
  );
}

beforeAll(async () => {
  setup = await arrange();
  const { issueAccessToken } = await import("@/lib/console/tokens");
  channel = await setup.channelFor("Chat bot", "http://127.0.0.1:9/callback");
  const access = () => setup.accessOf(setup.adminId, channel.id);
  const token = (await issueAccessToken(await access(), "chat")).token;
  client = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL });
  const started = await startEchoBot(channel.channelSecret, new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL }));
  bot = started;
  const channels = await import("@/lib/console/channels");
  await channels.updateWebhookUrl(await access(), started.url);
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

describe("the Simulator as a chat with a bot built with @line/bot-sdk", () => {
  test("a text gets the bot's echo, live, beside the webhook's outcome; the second reply is refused inline", async () => {
    await visit(page, `/channels/${channel.id}/simulator`);
    await page.getByLabel("New user's display name").fill("Alice");
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByLabel("Message text").waitFor();
    expect(await chat().textContent()).toContain("Nothing here yet");

    await page.getByLabel("Message text").fill("hello");
    await page.getByRole("button", { name: "Send message" }).click();
    await expect.poll(chatLines, { timeout: 15_000 }).toEqual([
      "user: hello",
      "bot: echo: hello",
      "refused: Reply refused: 400 Invalid reply token",
    ]);
    expect(secondReplies.map((r) => [r.status, JSON.parse(r.body)])).toEqual([[400, { message: "Invalid reply token" }]]);
    const sent = entries().first();
    await expect.poll(() => sent.getByTestId("chat-outcome").textContent(), { timeout: 10_000 }).toMatch(/^Delivered · 200 · \d+ ms$/);
    const attempt = await setup.db().deliveryAttempt.findFirstOrThrow({ where: { channelId: channel.id, kind: "event" } });
    expect(await sent.getByRole("link", { name: "See the send" }).getAttribute("href")).toBe(`/channels/${channel.id}/log/${attempt.id}`);
  });

  test("the quick reply sends its postback back from the user, and the template's button its message", async () => {
    await chat().getByTestId("quick-replies").getByRole("button", { name: "Again" }).click();
    await expect.poll(async () => (await chatLines()).slice(3), { timeout: 15_000 }).toEqual([
      "user: Alice postback again",
      "bot: Pick onepostback: againSay yes",
      "refused: Reply refused: 400 Invalid reply token",
    ]);
    // The quick reply goes once the user has done something after it.
    expect(await chat().getByTestId("quick-replies").count()).toBe(0);
    const received = await setup.db().webhookEvent.findFirstOrThrow({ where: { channelId: channel.id, type: "postback" } });
    expect(JSON.parse(received.event)).toMatchObject({ type: "postback", postback: { data: "again" }, source: { type: "user" } });

    await chat().getByRole("button", { name: "Say yes" }).click();
    await expect.poll(async () => (await chatLines()).slice(6, 8), { timeout: 15_000 }).toEqual(["user: yes", "bot: echo: yes"]);
  });

  test("a sticker gets a sticker, and an image what the bot fetched of its content", async () => {
    await page.getByLabel("Event", { exact: true }).selectOption({ label: "Sticker" });
    await page.getByRole("button", { name: "Send event" }).click();
    await expect.poll(async () => (await chatLines()).slice(9, 11), { timeout: 15_000 }).toEqual([
      "user: Sticker 446/1988",
      "bot: Sticker 446/1989",
    ]);
    await page.getByLabel("Event", { exact: true }).selectOption({ label: "Image" });
    await page.getByRole("button", { name: "Send event" }).click();
    await expect.poll(async () => (await chatLines()).slice(13, 14), { timeout: 15_000 }).toEqual([
      expect.stringMatching(/^bot: image: image\/png, \d+ bytes$/),
    ]);
  });

  test("a push to a group reaches the group's chat, live, and bad messages pushed there show LINE's error", async () => {
    const alice = await setup.db().simulatedUser.findFirstOrThrow({ where: { channelId: channel.id } });
    await page.getByLabel("Group name").fill("Team");
    await page.getByRole("checkbox", { name: "Alice" }).check();
    await page.getByRole("button", { name: "Create group" }).click();
    await expect.poll(() => page.getByLabel("Chat").locator("option:checked").textContent(), { timeout: 10_000 }).toBe("Group Team (Alice)");
    expect(await chat().textContent()).toContain("Nothing here yet");
    const group = await setup.db().simulatedGroup.findFirstOrThrow({ where: { channelId: channel.id, kind: "group" } });

    await client.pushMessage({ to: group.id, messages: [{ type: "text", text: "hello, team" }] });
    await expect.poll(chatLines, { timeout: 10_000 }).toEqual(["bot: hello, team"]);
    const failure = await client.pushMessage({ to: group.id, messages: [{ type: "text", text: "" }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HTTPFetchError);
    expect(JSON.parse((failure as HTTPFetchError).body)).toEqual({
      message: "The request body has 1 error(s)",
      details: [{ property: "messages[0].text", message: "Length must be between 1 and 5000" }],
    });
    await expect.poll(chatLines, { timeout: 10_000 }).toEqual([
      "bot: hello, team",
      "refused: Push refused: 400 The request body has 1 error(s)messages[0].text Length must be between 1 and 5000",
    ]);
    // Alice's own chat kept to itself.
    await page.getByLabel("Chat").selectOption({ label: "One-to-one chat with the bot" });
    expect((await chatLines()).join("\n")).not.toContain("hello, team");
    expect(alice.displayName).toBe("Alice");
  });
});

describe("the Simulator in Japanese", () => {
  test("with the account's language set to Japanese, the controls and the chat read in Japanese; event types and LINE's reasons stay as LINE writes them", async () => {
    // The account's choice, not the browser's (which asks for English), picks the language.
    await setup.db().user.update({ where: { id: setup.adminId }, data: { locale: "ja" } });
    try {
      await visit(page, `/channels/${channel.id}/simulator`);
      expect(await page.title()).toContain("シミュレーター");
      expect(await page.getByLabel("トーク", { exact: true }).locator("option").allTextContents()).toEqual(["ボットとの1対1のトーク", "グループ Team(Alice)"]);
      for (const name of ["ユーザーを追加", "ポストバックを送信", "友だち追加", "ブロック", "イベントを送信", "グループを作成"]) {
        expect(await page.getByRole("button", { name, exact: true }).count()).toBe(1);
      }
      expect(await page.getByRole("columnheader").allTextContents()).toEqual(["日時(UTC+9)", "送信元", "イベント", "結果"]);

      await page.getByLabel("メッセージのテキスト").fill("こんにちは");
      await page.getByRole("button", { name: "メッセージを送信" }).click();
      await expect.poll(async () => (await chatLines()).slice(-3), { timeout: 15_000 }).toEqual([
        "user: こんにちは",
        "bot: echo: こんにちは",
        "refused: 応答メッセージの送信が拒否されました: 400 Invalid reply token",
      ]);
      const sent = entries().nth(-3);
      await expect.poll(() => sent.getByTestId("chat-outcome").textContent(), { timeout: 10_000 }).toMatch(/^配信済み · 200 · \d+ ms$/);
      expect(await sent.getByRole("link", { name: "送信の詳細" }).count()).toBe(1);

      await page.getByLabel("イベント", { exact: true }).selectOption({ label: "スタンプ" });
      await page.getByRole("button", { name: "イベントを送信" }).click();
      await expect.poll(async () => (await chatLines()).slice(-3, -1), { timeout: 15_000 }).toEqual(["user: スタンプ 446/1988", "bot: スタンプ 446/1989"]);
      // The recent webhooks name each event by LINE's type, in either language.
      await expect.poll(() => page.getByTestId("simulator-event").first().textContent(), { timeout: 10_000 }).toContain("message");

      // A bot server that cannot be reached: LINE's reason and detail, as LINE writes them, after the Japanese word.
      await setup.db().channel.update({ where: { id: channel.id }, data: { webhookUrl: "http://127.0.0.1:9/callback" } });
      await page.getByRole("button", { name: "友だち追加", exact: true }).click();
      const follow = entries().last();
      await expect.poll(() => follow.getAttribute("data-type"), { timeout: 10_000 }).toBe("follow");
      await expect.poll(() => follow.getByTestId("chat-outcome").textContent(), { timeout: 30_000 }).toMatch(/^失敗 · could_not_connect · Connection failed/);
      expect(await follow.locator(".chat-bubble").textContent()).toContain("follow");

      // A form's validation message is Japanese too.
      await page.getByLabel("グループまたは複数人トーク", { exact: true }).selectOption("room");
      await page.getByRole("checkbox", { name: "Alice" }).check();
      await page.getByRole("button", { name: "複数人トークを作成" }).click();
      await expect.poll(() => page.locator(`p[role="alert"]`).textContent(), { timeout: 10_000 }).toBe("複数人トークにはメンバーが2人以上必要です。");
    } finally {
      await setup.db().user.update({ where: { id: setup.adminId }, data: { locale: null } });
    }
  });
});
