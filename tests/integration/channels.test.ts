import { beforeAll, describe, expect, test } from "vitest";
import {
  createChannel,
  getChannel,
  getChannelOrThrow,
  listAggregationPeriods,
  reissueChannelSecret,
  setWebhookSetting,
  updateBasicSettings,
  updateWebhookUrl,
} from "@/lib/console/channels";
import { db } from "@/lib/db";
import { ForbiddenError, InputError, NotFoundError } from "@/lib/errors";
import { addMember } from "@/lib/console/members";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";

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
  await addMember(admin, channelId, { email: "member@example.com", role: "MEMBER" });
  await addMember(admin, channelId, { email: "tester@example.com", role: "TESTER" });
  member = (await db().user.findUniqueOrThrow({ where: { email: "member@example.com" } })).id;
  tester = (await db().user.findUniqueOrThrow({ where: { email: "tester@example.com" } })).id;
});

describe("a new channel", () => {
  test("has LINE's identifiers and every webhook switch off", async () => {
    const channel = await getChannelOrThrow(admin, channelId);
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
    expect((await getChannelOrThrow(member, channelId)).channelSecret).toBeNull();
    expect((await getChannelOrThrow(tester, channelId)).channelSecret).toBeNull();
  });

  test("does not exist for a non-member", async () => {
    expect(await getChannel(outsider, channelId)).toBeNull();
    await expect(listAggregationPeriods(outsider, channelId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateWebhookUrl(outsider, channelId, "https://example.com/")).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  test("refuses bad channel details and keeps the old ones", async () => {
    await expect(
      updateBasicSettings(admin, channelId, { name: "", description: "", email: "" }),
    ).rejects.toThrow("Enter a channel name.");
    await expect(
      updateBasicSettings(admin, channelId, { name: "Shop bot", description: "", email: "not-an-email" }),
    ).rejects.toThrow("Enter a valid email address.");
    expect((await getChannelOrThrow(admin, channelId)).name).toBe("Shop bot");
  });
});

describe("the Webhook URL", () => {
  test("is saved when valid", async () => {
    await updateWebhookUrl(admin, channelId, " https://bot.example.com/callback ");
    expect((await getChannelOrThrow(admin, channelId)).webhookUrl).toBe("https://bot.example.com/callback");
  });

  test("is refused with a message when invalid, and the saved one stays", async () => {
    await expect(updateWebhookUrl(admin, channelId, "not a url")).rejects.toBeInstanceOf(InputError);
    await expect(updateWebhookUrl(admin, channelId, `https://example.com/${"a".repeat(600)}`)).rejects.toThrow(
      "at most 500 characters",
    );
    expect((await getChannelOrThrow(admin, channelId)).webhookUrl).toBe("https://bot.example.com/callback");
  });

  test("can be changed by Admins only", async () => {
    await expect(updateWebhookUrl(member, channelId, "https://evil.example.com/")).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(updateWebhookUrl(tester, channelId, "https://evil.example.com/")).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await getChannelOrThrow(admin, channelId)).webhookUrl).toBe("https://bot.example.com/callback");
  });
});

describe("the webhook switches", () => {
  test("redelivery and aggregation need Use webhook on", async () => {
    await expect(setWebhookSetting(admin, channelId, "errorStatisticsAggregation", true)).rejects.toThrow(
      "Turn on Use webhook first.",
    );
    await expect(setWebhookSetting(admin, channelId, "webhookRedelivery", true)).rejects.toThrow(
      "Turn on Use webhook first.",
    );
    const channel = await getChannelOrThrow(admin, channelId);
    expect(channel.errorStatisticsAggregation).toBe(false);
    expect(channel.webhookRedelivery).toBe(false);
    expect(await listAggregationPeriods(admin, channelId)).toEqual([]);
  });

  test("only Admins flip them", async () => {
    await expect(setWebhookSetting(member, channelId, "useWebhook", true)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getChannelOrThrow(admin, channelId)).useWebhook).toBe(false);
  });

  test("aggregation keeps a history of on and off periods", async () => {
    const t0 = new Date("2026-11-23T01:00:00Z");
    const t1 = new Date("2026-11-23T02:00:00Z");
    const t2 = new Date("2026-11-23T03:00:00Z");
    await setWebhookSetting(admin, channelId, "useWebhook", true, t0);
    await setWebhookSetting(admin, channelId, "errorStatisticsAggregation", true, t0);
    // Turning it on again while on changes nothing.
    await setWebhookSetting(admin, channelId, "errorStatisticsAggregation", true, t1);
    expect(await listAggregationPeriods(member, channelId)).toEqual([{ startedAt: t0, endedAt: null }]);

    await setWebhookSetting(admin, channelId, "errorStatisticsAggregation", false, t1);
    await setWebhookSetting(admin, channelId, "errorStatisticsAggregation", true, t2);
    expect(await listAggregationPeriods(admin, channelId)).toEqual([
      { startedAt: t0, endedAt: t1 },
      { startedAt: t2, endedAt: null },
    ]);
    expect((await getChannelOrThrow(admin, channelId)).errorStatisticsAggregation).toBe(true);
  });
});

describe("the channel secret", () => {
  test("is reissued by Admins only", async () => {
    const before = (await getChannelOrThrow(admin, channelId)).channelSecret;
    await expect(reissueChannelSecret(member, channelId)).rejects.toBeInstanceOf(ForbiddenError);
    const after = await reissueChannelSecret(admin, channelId);
    expect(after).toMatch(/^[0-9a-f]{32}$/);
    expect(after).not.toBe(before);
    expect((await getChannelOrThrow(admin, channelId)).channelSecret).toBe(after);
  });
});
