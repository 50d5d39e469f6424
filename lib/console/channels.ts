import "server-only";
import { EVENT_TRANSITIONS } from "../delivery/lifecycle";
import { z } from "zod";
import { db, transaction } from "../db";
import { env } from "../env";
import type { SessionUser } from "../auth/users";
import { InputError, NotFoundError, parseInput, type ErrorKey } from "../errors";
import { newBotUserId, newChannelId, newChannelSecret } from "../ids";
import { assertCan, can, type ChannelAccess } from "./access";
import { isRole, type Role } from "./roles";
import { checkWebhookEndpoint, type CheckResult } from "../delivery/check";
import { checkWebhookUrlText } from "../webhook/url";
import { hitRateLimit } from "../http/rate-limit";
import type { WebhookSetting } from "./webhook-settings";

/** A channel as one member sees it: the secret only for those allowed to see it. */
export type ChannelView = {
  id: string;
  providerId: string;
  providerName: string;
  name: string;
  description: string;
  email: string;
  botUserId: string;
  channelSecret: string | null;
  webhookUrl: string | null;
  useWebhook: boolean;
  webhookRedelivery: boolean;
  errorStatisticsAggregation: boolean;
  errorNotification: boolean;
  role: Role;
};

const channelSelect = {
  id: true,
  providerId: true,
  provider: { select: { name: true } },
  name: true,
  description: true,
  email: true,
  botUserId: true,
  channelSecret: true,
  webhookUrl: true,
  useWebhook: true,
  webhookRedelivery: true,
  errorStatisticsAggregation: true,
  errorNotification: true,
} as const;

/**
 * The user's access to a channel, read in one query with the channel as their role lets them see
 * it, or a NotFoundError when they are not a member.
 */
export async function getChannelAccess(user: SessionUser, channelId: string): Promise<ChannelAccess> {
  const row = await db().channel.findFirst({
    where: { id: channelId, members: { some: { userId: user.id } } },
    select: { ...channelSelect, members: { where: { userId: user.id }, select: { role: true } } },
  });
  const role = row?.members[0]?.role;
  if (!row || !isRole(role)) throw new NotFoundError({ key: "channelNotFound" });
  const { provider, members: _members, channelSecret, ...rest } = row;
  const channel: ChannelView = { ...rest, providerName: provider.name, channelSecret: null, role };
  const access = { user, channel, role };
  if (can(access, "seeSecret")) channel.channelSecret = channelSecret;
  return access;
}

const basicSettingsSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "enterChannelName" satisfies ErrorKey)
    .max(20, "channelNameTooLong" satisfies ErrorKey),
  description: z.string().trim().max(500, "descriptionTooLong" satisfies ErrorKey),
  email: z.union([
    z.literal(""),
    z.string().trim().max(254).email("enterValidEmail" satisfies ErrorKey),
  ]),
});

export type BasicSettings = z.input<typeof basicSettingsSchema>;

/** Creates a Messaging API channel in a provider; its creator becomes its first Admin. */
export async function createChannel(
  userId: string,
  providerId: string,
  input: BasicSettings,
): Promise<{ id: string }> {
  const settings = parseInput(basicSettingsSchema, input);
  const provider = await db().provider.findFirst({
    where: {
      id: providerId,
      OR: [
        { createdById: userId },
        { channels: { some: { members: { some: { userId, role: "ADMIN" } } } } },
      ],
    },
    select: { id: true },
  });
  if (!provider) throw new NotFoundError({ key: "providerNotFound" });
  const channel = await db().channel.create({
    data: {
      id: newChannelId(),
      providerId,
      ...settings,
      channelSecret: newChannelSecret(),
      botUserId: newBotUserId(),
      members: { create: { userId, role: "ADMIN" } },
    },
    select: { id: true },
  });
  return channel;
}

/** Changes a channel's name, description and contact email (Admins). */
export async function updateBasicSettings(access: ChannelAccess, input: BasicSettings): Promise<void> {
  const settings = parseInput(basicSettingsSchema, input);
  assertCan(access, "manage");
  await db().channel.update({ where: { id: access.channel.id }, data: settings });
}

/** Issues a new channel secret; the old one stops verifying at once (Admins). */
export async function reissueChannelSecret(access: ChannelAccess): Promise<string> {
  assertCan(access, "manage");
  const channelSecret = newChannelSecret();
  await db().channel.update({ where: { id: access.channel.id }, data: { channelSecret } });
  return channelSecret;
}

/** Saves the Webhook URL after checking it; nothing is saved when it is refused (Admins). */
export async function updateWebhookUrl(access: ChannelAccess, input: string): Promise<string> {
  assertCan(access, "manage");
  const check = checkWebhookUrlText(input, env().webhookUrlPolicy);
  if (!check.ok) throw new InputError(check.text);
  await db().channel.update({ where: { id: access.channel.id }, data: { webhookUrl: check.url } });
  return check.url;
}

/**
 * Turns one of the Messaging API switches on or off (Admins). Webhook redelivery and Error
 * statistics aggregation can only be turned on while Use webhook is on. Turning aggregation on or
 * off opens or closes a period of its history in the same transaction.
 */
export async function setWebhookSetting(
  access: ChannelAccess,
  setting: WebhookSetting,
  value: boolean,
  now: Date = new Date(),
): Promise<void> {
  assertCan(access, "manage");
  const channelId = access.channel.id;
  await transaction(async (tx) => {
    const channel = await tx.channel.findUniqueOrThrow({
      where: { id: channelId },
      select: { useWebhook: true, webhookRedelivery: true, errorStatisticsAggregation: true },
    });
    if (channel[setting] === value) return;
    if (value && setting !== "useWebhook" && !channel.useWebhook) {
      throw new InputError({ key: "turnOnWebhookFirst" });
    }
    await tx.channel.update({ where: { id: channelId }, data: { [setting]: value } });
    if (setting === "webhookRedelivery" && !value) {
      // Turning redelivery off cancels the tries still scheduled.
      await tx.webhookEvent.updateMany({
        where: { channelId, status: { in: [...EVENT_TRANSITIONS.stopRedelivery.from] } },
        data: { status: EVENT_TRANSITIONS.stopRedelivery.to[0], nextAttemptAt: null },
      });
    }
    if (setting !== "errorStatisticsAggregation") return;
    if (value) {
      await tx.aggregationPeriod.create({ data: { channelId, startedAt: now } });
    } else {
      await tx.aggregationPeriod.updateMany({
        where: { channelId, endedAt: null },
        data: { endedAt: now },
      });
    }
  });
}

export type AggregationPeriodView = { startedAt: Date; endedAt: Date | null };

/** When Error statistics aggregation was on, oldest first; the last period may still be open. */
export async function listAggregationPeriods(access: ChannelAccess): Promise<AggregationPeriodView[]> {
  return db().aggregationPeriod.findMany({
    where: { channelId: access.channel.id },
    orderBy: { startedAt: "asc" },
    select: { startedAt: true, endedAt: true },
  });
}

/**
 * Verify: sends the signed empty-events request to the saved Webhook URL (Admins and Members),
 * at most as often as the test endpoint may. Never counted in error statistics.
 */
export async function verifyWebhook(access: ChannelAccess): Promise<CheckResult> {
  assertCan(access, "read");
  // The secret is read here, not from the access object: Members verify but never see it.
  const channel = await db().channel.findUniqueOrThrow({
    where: { id: access.channel.id },
    select: { id: true, botUserId: true, channelSecret: true, webhookUrl: true },
  });
  if (!channel.webhookUrl) throw new InputError({ key: "setWebhookUrlFirst" });
  const limit = await hitRateLimit(channel.id, "webhookVerify");
  if (!limit.allowed) {
    const minutes = Math.max(1, Math.ceil((limit.resetAt - Date.now()) / 60_000));
    throw new InputError({ key: "verifyLimit", values: { limit: limit.limit, minutes } });
  }
  return checkWebhookEndpoint(channel, channel.webhookUrl, "verify");
}
