import "server-only";
import { db } from "../db";
import { getRoleOrThrow } from "../console/channels";
import { env } from "../env";
import { NotFoundError } from "../errors";
import { canManageChannel } from "../console/roles";
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

// The Outbox holds the Admins' addresses and the channel's errors: like the settings they guard,
// it is the Admins'. Anyone else is told it does not exist.
async function requireOutboxReader(userId: string, channelId: string): Promise<void> {
  const role = await getRoleOrThrow(userId, channelId);
  if (!canManageChannel(role)) throw new NotFoundError("This channel does not exist.");
}

/** A channel's emails, newest first (Admins). */
export async function listOutbox(userId: string, channelId: string, limit = 200): Promise<OutboxRow[]> {
  await requireOutboxReader(userId, channelId);
  const rows = await db().emailMessage.findMany({
    where: { channelId },
    orderBy: { id: "desc" },
    take: limit,
    select: rowSelect,
  });
  return rows.map((row) => ({ ...row, status: outboxStatus(row) }));
}

/** One of a channel's emails (Admins), or a NotFoundError. */
export async function getOutboxMessageOrThrow(userId: string, channelId: string, messageId: number): Promise<OutboxMessage> {
  await requireOutboxReader(userId, channelId);
  const row = Number.isSafeInteger(messageId)
    ? await db().emailMessage.findFirst({
        where: { id: messageId, channelId },
        select: { ...rowSelect, text: true, html: true },
      })
    : null;
  if (!row) throw new NotFoundError("This email does not exist.");
  return { ...row, status: outboxStatus(row) };
}

/** Whether emails leave this machine (SMTP_URL is set) or stay in the local outbox. */
export function isSmtpConfigured(): boolean {
  return env().smtpUrl !== undefined;
}
