/** How an outbox message is doing, as the Outbox page shows it. Pure, shared by the notifier and the pages. */

/** SMTP sends of one message before the notifier gives up on it (its last error is kept). */
export const MAX_SEND_ATTEMPTS = 10;

export type OutboxStatus = "in_outbox" | "queued" | "sent" | "retrying" | "failed";

/**
 * A message's status from its columns. Without SMTP a message is "sent" to the local outbox with
 * no SMTP attempt, which is how "in outbox" and "sent" (accepted by the SMTP server) differ.
 */
export function outboxStatus(message: { sentAt: Date | null; attempts: number }): OutboxStatus {
  if (message.sentAt) return message.attempts === 0 ? "in_outbox" : "sent";
  if (message.attempts === 0) return "queued";
  return message.attempts >= MAX_SEND_ATTEMPTS ? "failed" : "retrying";
}

/** The wait before the next SMTP attempt after `attempts` failed ones: 30 s, doubling, at most 1 h. */
export function sendBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}
