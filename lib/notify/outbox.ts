import "server-only";
import { db } from "../db";
import { assertCan, type ChannelAccess } from "../console/access";
import { env } from "../env";
import { NotFoundError } from "../errors";
import { outboxStatus, type OutboxStatus } from "./outbox-status";

/** One line of a channel's Outbox. */
export type OutboxRow = {
  id: number;
  createdAt: Date;
  to: string;
  subject: string;
  status: OutboxStatus;
  sentAt: Date | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
};

/** One message, with its bodies, for the detail view. */
export type OutboxMessage = OutboxRow & { text: string; html: string };

const rowSelect = {
  id: true,
  createdAt: true,
  to: true,
  subject: true,
  sentAt: true,
  attempts: true,
  nextAttemptAt: true,
  lastError: true,
} as const;

/** A channel's emails, newest first (Admins). */
export async function listOutbox(access: ChannelAccess, limit = 200): Promise<OutboxRow[]> {
  assertCan(access, "seeOutbox");
  const rows = await db().emailMessage.findMany({
    where: { channelId: access.channel.id },
    orderBy: { id: "desc" },
    take: limit,
    select: rowSelect,
  });
  return rows.map((row) => ({ ...row, status: outboxStatus(row) }));
}

/** One of a channel's emails (Admins), or a NotFoundError. */
export async function getOutboxMessageOrThrow(access: ChannelAccess, messageId: number): Promise<OutboxMessage> {
  assertCan(access, "seeOutbox");
  const row = Number.isSafeInteger(messageId)
    ? await db().emailMessage.findFirst({
        where: { id: messageId, channelId: access.channel.id },
        select: { ...rowSelect, text: true, html: true },
      })
    : null;
  if (!row) throw new NotFoundError({ key: "emailNotFound" });
  return { ...row, status: outboxStatus(row) };
}

/** Whether emails leave this machine (SMTP_URL is set) or stay in the local outbox. */
export function isSmtpConfigured(): boolean {
  return env().smtpUrl !== undefined;
}
