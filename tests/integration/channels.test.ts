import { beforeAll, describe, expect, test } from "vitest";
import {
  createChannel,
  listAggregationPeriods,
  reissueChannelSecret,
  setWebhookSetting,
  updateBasicSettings,
  updateWebhookUrl,
} from "@/lib/console/channels";
import { db } from "@/lib/db";
import { InputError, NotFoundError } from "@/lib/errors";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { accessOf, joinChannel } from "../support/access";

let admin: string;
let member: string;
let tester: string;
let outsider: string;
let channelId: string;

beforeAll(async () => {
  admin = (await createUser("admin@example.com", "admin-password")).user.id;
  outsider = (await createUser("outsider@example.com", "x")).user.id;
  const provider = await createProvider(admin, "Acme");
  channelId = (await createChannel(admin, provider.id, { name: "Shop bot", description: "", email: "" })).id;
  await joinChannel(await accessOf(admin, channelId), "member@example.com", "MEMBER");
  await joinChannel(await accessOf(admin, channelId), "tester@example.com", "TESTER");
  member = (await db().user.findUniqueOrThrow({ where: { email: "member@example.com" } })).id;
  tester = (await db().user.findUniqueOrThrow({ where: { email: "tester@example.com" } })).id;
});

/** The channel as the user sees it. */
async function channelAs(userId: string) {
  return (await accessOf(userId, channelId)).channel;
}

describe("a new channel", () => {
  test("has LINE's identifiers and every webhook switch off", async () => {
    const channel = await channelAs(admin);
    expect(channel.id).toMatch(/^[1-9]\d{9}$/);
    expect(channel.channelSecret).toMatch(/^[0-9a-f]{32}$/);
    expect(channel.botUserId).toMatch(/^U[0-9a-f]{32}$/);
    expect(channel).toMatchObject({
      role: "ADMIN",
      webhookUrl: null,
      useWebhook: false,
      webhookRedelivery: false,
      errorStatisticsAggregation: false,
    });
  });

  test("shows its secret to Admins only", async () => {
    expect((await channelAs(member)).channelSecret).toBeNull();
    expect((await channelAs(tester)).channelSecret).toBeNull();
  });

  test("does not exist for a non-member", async () => {
    // No access object, so no console call, can be had for a channel one is not a member of.
    await expect(accessOf(outsider, channelId)).rejects.toThrow(new NotFoundError("This channel does not exist."));
    await expect(accessOf(outsider, "9999999999")).rejects.toBeInstanceOf(NotFoundError);
  });

  test("refuses bad channel details and keeps the old ones", async () => {
    await expect(
      updateBasicSettings(await accessOf(admin, channelId), { name: "", description: "", email: "" }),
    ).rejects.toThrow("Enter a channel name.");
    await expect(
      updateBasicSettings(await accessOf(admin, channelId), { name: "Shop bot", description: "", email: "not-an-email" }),
    ).rejects.toThrow("Enter a valid email address.");
    expect((await channelAs(admin)).name).toBe("Shop bot");
  });
});

describe("the Webhook URL", () => {
  test("is saved when valid", async () => {
    await updateWebhookUrl(await accessOf(admin, channelId), " https://bot.example.com/callback ");
    expect((await channelAs(admin)).webhookUrl).toBe("https://bot.example.com/callback");
  });

  test("is refused with a message when invalid, and the saved one stays", async () => {
    await expect(accessOf(admin, channelId).then((access) => updateWebhookUrl(access, "not a url"))).rejects.toBeInstanceOf(InputError);
    await expect(accessOf(admin, channelId).then((access) => updateWebhookUrl(access, `https://example.com/${"a".repeat(600)}`))).rejects.toThrow(
      "at most 500 characters",
    );
    expect((await channelAs(admin)).webhookUrl).toBe("https://bot.example.com/callback");
  });

  test("can be changed by Admins only", async () => {
    await expect(accessOf(member, channelId).then((access) => updateWebhookUrl(access, "https://evil.example.com/"))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(accessOf(tester, channelId).then((access) => updateWebhookUrl(access, "https://evil.example.com/"))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await channelAs(admin)).webhookUrl).toBe("https://bot.example.com/callback");
  });
});

describe("the webhook switches", () => {
  test("redelivery and aggregation need Use webhook on", async () => {
    await expect(accessOf(admin, channelId).then((access) => setWebhookSetting(access, "errorStatisticsAggregation", true))).rejects.toThrow(
      "Turn on Use webhook first.",
    );
    await expect(accessOf(admin, channelId).then((access) => setWebhookSetting(access, "webhookRedelivery", true))).rejects.toThrow(
      "Turn on Use webhook first.",
    );
    const channel = await channelAs(admin);
    expect(channel.errorStatisticsAggregation).toBe(false);
    expect(channel.webhookRedelivery).toBe(false);
    expect(await listAggregationPeriods(await accessOf(admin, channelId))).toEqual([]);
  });

  test("only Admins flip them", async () => {
    await expect(accessOf(member, channelId).then((access) => setWebhookSetting(access, "useWebhook", true))).rejects.toBeInstanceOf(NotFoundError);
    expect((await channelAs(admin)).useWebhook).toBe(false);
  });

  test("aggregation keeps a history of on and off periods", async () => {
    const t0 = new Date("2026-11-23T01:00:00Z");
    const t1 = new Date("2026-11-23T02:00:00Z");
    const t2 = new Date("2026-11-23T03:00:00Z");
    await setWebhookSetting(await accessOf(admin, channelId), "useWebhook", true, t0);
    await setWebhookSetting(await accessOf(admin, channelId), "errorStatisticsAggregation", true, t0);
    // Turning it on again while on changes nothing.
    await setWebhookSetting(await accessOf(admin, channelId), "errorStatisticsAggregation", true, t1);
    expect(await listAggregationPeriods(await accessOf(member, channelId))).toEqual([{ startedAt: t0, endedAt: null }]);

    await setWebhookSetting(await accessOf(admin, channelId), "errorStatisticsAggregation", false, t1);
    await setWebhookSetting(await accessOf(admin, channelId), "errorStatisticsAggregation", true, t2);
    expect(await listAggregationPeriods(await accessOf(admin, channelId))).toEqual([
      { startedAt: t0, endedAt: t1 },
      { startedAt: t2, endedAt: null },
    ]);
    expect((await channelAs(admin)).errorStatisticsAggregation).toBe(true);
  });
});

describe("the channel secret", () => {
  test("is reissued by Admins only", async () => {
    const before = (await channelAs(admin)).channelSecret;
    await expect(accessOf(member, channelId).then((access) => reissueChannelSecret(access))).rejects.toBeInstanceOf(NotFoundError);
    const after = await reissueChannelSecret(await accessOf(admin, channelId));
    expect(after).toMatch(/^[0-9a-f]{32}$/);
    expect(after).not.toBe(before);
    expect((await channelAs(admin)).channelSecret).toBe(after);
  });
});
