import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createUser } from "@/lib/auth/users";
import { createChannel, updateWebhookUrl, verifyWebhook } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { InputError } from "@/lib/errors";
import { RATE_LIMITS } from "@/lib/http/rate-limit";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";

let bot: TestBot;
let admin: string;
let providerId: string;

beforeAll(async () => {
  bot = await startBot();
  admin = (await createUser("admin@example.com", "admin-password")).user.id;
  providerId = (await createProvider(admin, "Acme")).id;
});

afterAll(async () => {
  await bot?.close();
});

async function channelAimedAtBot(name: string): Promise<string> {
  const { id } = await createChannel(admin, providerId, { name, description: "", email: "" });
  await updateWebhookUrl(await accessOf(admin, id), bot.url);
  return id;
}

describe("Verify's rate limit", () => {
  test("is the test endpoint's: 60 an hour", () => {
    expect(RATE_LIMITS.webhookVerify).toEqual(RATE_LIMITS.webhookTest);
  });

  test("sends 60 Verify requests in an hour to the bot, then refuses the 61st without sending it", async () => {
    const channelId = await channelAimedAtBot("Verified often");
    const access = await accessOf(admin, channelId);
    const before = bot.received.length;
    for (let i = 0; i < 60; i++) expect((await verifyWebhook(access)).success).toBe(true);
    expect(bot.received.length - before).toBe(60);

    const refused = verifyWebhook(access);
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow(/^Verify can be used 60 times an hour\. Try again in (59|60) min\.$/);
    expect(bot.received.length - before).toBe(60);
  });

  test("counts each channel apart", async () => {
    const channelId = await channelAimedAtBot("Verified once");
    expect((await verifyWebhook(await accessOf(admin, channelId))).success).toBe(true);
  });
});
