import "server-only";
import { EVENT_TRANSITIONS } from "../delivery/lifecycle";
import { z } from "zod";
import { db, transaction } from "../db";
import { env } from "../env";
import { ForbiddenError, InputError, NotFoundError } from "../errors";
import { newBotUserId, newChannelId, newChannelSecret } from "../ids";
import { canManageChannel, canSeeSecret, isRole, type Role } from "./roles";
import { checkWebhookEndpoint, type CheckResult } from "../delivery/check";
import { checkWebhookUrl } from "../webhook/url";

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

/** The caller's role in a channel, or a NotFoundError when they are not a member. */
export async function getRoleOrThrow(userId: string, channelId: string): Promise<Role> {
  const member = await db().channelMember.findUnique({
    where: { channelId_userId: { channelId, userId } },
    select: { role: true },
  });
  if (!member || !isRole(member.role)) throw new NotFoundError("This channel does not exist.");
  return member.role;
}

async function requireAdmin(userId: string, channelId: string): Promise<void> {
  const role = await getRoleOrThrow(userId, channelId);
  if (!canManageChannel(role)) throw new ForbiddenError();
}

/** The channel as the user may see it, or null when it does not exist for them. */
export async function getChannel(userId: string, channelId: string): Promise<ChannelView | null> {
  const row = await db().channel.findFirst({
    where: { id: channelId, members: { some: { userId } } },
    select: { ...channelSelect, members: { where: { userId }, select: { role: true } } },
  });
  const role = row?.members[0]?.role;
  if (!row || !isRole(role)) return null;
  const { provider, members: _members, channelSecret, ...rest } = row;
  return {
    ...rest,
    providerName: provider.name,
    channelSecret: canSeeSecret(role) ? channelSecret : null,
    role,
  };
}

export async function getChannelOrThrow(userId: string, channelId: string): Promise<ChannelView> {
  const channel = await getChannel(userId, channelId);
  if (!channel) throw new NotFoundError("This channel does not exist.");
  return channel;
}

const basicSettingsSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a channel name.")
    .max(20, "The channel name must be at most 20 characters."),
  description: z.string().trim().max(500, "The description must be at most 500 characters."),
  email: z.union([
    z.literal(""),
    z.string().trim().max(254).email("Enter a valid email address."),
  ]),
});

export type BasicSettings = z.input<typeof basicSettingsSchema>;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new InputError(result.error.issues[0]?.message ?? "Invalid input.");
  return result.data;
}

/** Creates a Messaging API channel in a provider; its creator becomes its first Admin. */
export async function createChannel(
  userId: string,
  providerId: string,
  input: BasicSettings,
): Promise<{ id: string }> {
  const settings = parse(basicSettingsSchema, input);
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
  if (!provider) throw new NotFoundError("This provider does not exist.");
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
export async function updateBasicSettings(
  userId: string,
  channelId: string,
  input: BasicSettings,
): Promise<void> {
  const settings = parse(basicSettingsSchema, input);
  await requireAdmin(userId, channelId);
  await db().channel.update({ where: { id: channelId }, data: settings });
}

/** Issues a new channel secret; the old one stops verifying at once (Admins). */
export async function reissueChannelSecret(userId: string, channelId: string): Promise<string> {
  await requireAdmin(userId, channelId);
  const channelSecret = newChannelSecret();
  await db().channel.update({ where: { id: channelId }, data: { channelSecret } });
  return channelSecret;
}

/** Saves the Webhook URL after checking it; nothing is saved when it is refused (Admins). */
export async function updateWebhookUrl(
  userId: string,
  channelId: string,
  input: string,
): Promise<string> {
  await requireAdmin(userId, channelId);
  const check = checkWebhookUrl(input, env().webhookUrlPolicy);
  if (!check.ok) throw new InputError(check.error);
  await db().channel.update({ where: { id: channelId }, data: { webhookUrl: check.url } });
  return check.url;
}

export const WEBHOOK_SETTINGS = ["useWebhook", "webhookRedelivery", "errorStatisticsAggregation"] as const;
export type WebhookSetting = (typeof WEBHOOK_SETTINGS)[number];

export function isWebhookSetting(value: unknown): value is WebhookSetting {
  return typeof value === "string" && (WEBHOOK_SETTINGS as readonly string[]).includes(value);
}

/**
 * Turns one of the Messaging API switches on or off (Admins). Webhook redelivery and Error
 * statistics aggregation can only be turned on while Use webhook is on. Turning aggregation on or
 * off opens or closes a period of its history in the same transaction.
 */
export async function setWebhookSetting(
  userId: string,
  channelId: string,
  setting: WebhookSetting,
  value: boolean,
  now: Date = new Date(),
): Promise<void> {
  await requireAdmin(userId, channelId);
  await transaction(async (tx) => {
    const channel = await tx.channel.findUniqueOrThrow({
      where: { id: channelId },
      select: { useWebhook: true, webhookRedelivery: true, errorStatisticsAggregation: true },
    });
    if (channel[setting] === value) return;
    if (value && setting !== "useWebhook" && !channel.useWebhook) {
      throw new InputError("Turn on Use webhook first.");
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
export async function listAggregationPeriods(
  userId: string,
  channelId: string,
): Promise<AggregationPeriodView[]> {
  await getRoleOrThrow(userId, channelId);
  return db().aggregationPeriod.findMany({
    where: { channelId },
    orderBy: { startedAt: "asc" },
    select: { startedAt: true, endedAt: true },
  });
}

/**
 * Verify: sends the signed empty-events request to the saved Webhook URL (Admins and Members).
 * Never counted in error statistics.
 */
export async function verifyWebhook(userId: string, channelId: string): Promise<CheckResult> {
  const role = await getRoleOrThrow(userId, channelId);
  if (role === "TESTER") throw new ForbiddenError("Only Admins and Members can verify the Webhook URL.");
  const channel = await db().channel.findUniqueOrThrow({
    where: { id: channelId },
    select: { id: true, botUserId: true, channelSecret: true, webhookUrl: true },
  });
  if (!channel.webhookUrl) throw new InputError("Set a Webhook URL first.");
  return checkWebhookEndpoint(channel, channel.webhookUrl, "verify");
}
