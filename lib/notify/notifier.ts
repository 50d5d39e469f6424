/**
 * Turns due notification groups into emails and delivers the outbox. Runs beside the dispatcher
 * (in the app, or in `npm run worker`) on its own loop, so a slow or absent SMTP server never holds
 * up a webhook. No "server-only": the standalone worker imports this through plain Node.
 */
import { createTransport } from "nodemailer";
import { db, transaction } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { closedGroupsOpenedBy } from "./notice-groups";
import { env } from "../env";
import { composeNotificationEmail, composeRecoveredEmail, isNotificationKind, notificationRecipients, recipientsByLocale } from "./compose";
import { MAX_SEND_ATTEMPTS, sendBackoffMs } from "./outbox-status";
import { logger } from "../log";

/** The recipients by language: each gets the email in the language their account chose. */
async function splitByLocale(tx: Prisma.TransactionClient, to: string[]) {
  const users = await tx.user.findMany({ where: { email: { in: to } }, select: { email: true, locale: true } });
  return recipientsByLocale(to, new Map(users.map((u) => [u.email, u.locale])));
}

/** What the notifier needs of a mail transport; a nodemailer transporter is one. */
export type MailTransport = {
  sendMail(message: { from: string; to: string; subject: string; text: string; html: string }): Promise<unknown>;
};

/**
 * How long a message claimed for sending is kept from other notifiers, should this one die
 * mid-send. Longer than nodemailer's own timeouts (2 min to connect, 10 min of silence), so a slow
 * send is never taken over and sent twice; the price is a 15-minute delay after a crash.
 */
const SEND_LEASE_MS = 15 * 60_000;

/**
 * Turns every group whose 5 minutes are over into one outbox message and marks it emailed, in one
 * transaction per group, so a crash neither loses nor doubles an email. A channel whose Error
 * notification was turned off meanwhile, or that has no one to write to, gets no message.
 * Returns how many messages were created.
 */
export async function processDueNotifications(now: number): Promise<number> {
  const due = await db().notificationGroup.findMany({
    where: { emailedAt: null, openedAt: { lte: new Date(closedGroupsOpenedBy(now)) } },
    orderBy: { openedAt: "asc" },
    select: { id: true },
    take: 500,
  });
  const { consoleUrl } = env();
  let created = 0;
  for (const { id } of due) {
    const made = await transaction(async (tx) => {
      // Claim first: the write takes SQLite's lock, so the group read next can no longer grow,
      // and a second notifier (or a retry after a crash) finds it already emailed.
      const claimed = await tx.notificationGroup.updateMany({
        where: { id, emailedAt: null },
        data: { emailedAt: new Date(now) },
      });
      if (claimed.count === 0) return 0;
      const group = await tx.notificationGroup.findUniqueOrThrow({ where: { id } });
      const channel = await tx.channel.findUnique({
        where: { id: group.channelId },
        select: {
          id: true,
          name: true,
          email: true,
          errorNotification: true,
          members: { where: { role: "ADMIN" }, select: { user: { select: { email: true } } } },
        },
      });
      if (!channel?.errorNotification || !isNotificationKind(group.kind)) return 0;
      const to = notificationRecipients(
        channel.email,
        channel.members.map((m) => m.user.email),
      );
      if (to.length === 0) return 0;
      const sample = await tx.deliveryAttempt.findFirst({
        where: {
          channelId: channel.id,
          kind: "event",
          success: false,
          reason: group.reason,
          detail: group.detail,
          webhookEventId: { not: null },
          // A group counts a send when it ended; a send lasts a few seconds at most.
          startedAt: { gte: new Date(group.openedAt.getTime() - SEND_SPAN_MS), lte: group.lastAt },
        },
        orderBy: { id: "desc" },
        select: { webhookEventId: true, eventType: true },
      });
      const byLocale = await splitByLocale(tx, to);
      for (const [locale, addresses] of byLocale) {
        const email = composeNotificationEmail({
          kind: group.kind,
          channelId: channel.id,
          channelName: channel.name,
          reason: group.reason,
          detail: group.detail,
          count: group.count,
          detectedAt: group.openedAt,
          consoleUrl,
          locale,
          ...(sample?.webhookEventId ? { sample: { webhookEventId: sample.webhookEventId, eventType: sample.eventType } } : {}),
        });
        await tx.emailMessage.create({
          data: {
            channelId: channel.id,
            to: addresses.join(", "),
            subject: email.subject,
            text: email.text,
            html: email.html,
            createdAt: new Date(now),
          },
        });
      }
      return byLocale.length;
    });
    created += made;
  }
  return created;
}

/** How long before its detection a send may have started: LINE's deadline bounds it, with room. */
const SEND_SPAN_MS = 5000;

/**
 * Sends the "recovered" emails, the console's own: each emailed error group whose failure has
 * stopped (a successful event send came after its last failure, and no newer group of the same
 * reason and detail opened) is marked recovered, and a channel gets one short email for the
 * groups recovered together, saying since when its bot answers again. A group a newer one took
 * over is marked without an email; that one will tell. Returns how many emails were created.
 */
export async function processRecoveries(now: number): Promise<number> {
  const open = await db().notificationGroup.findMany({
    where: { kind: "error", emailedAt: { not: null }, recoveredAt: null },
    orderBy: { openedAt: "asc" },
    take: 500,
    select: { id: true, channelId: true, reason: true, detail: true, openedAt: true, lastAt: true },
  });
  const byChannel = new Map<string, typeof open>();
  for (const group of open) byChannel.set(group.channelId, [...(byChannel.get(group.channelId) ?? []), group]);
  const { consoleUrl } = env();
  let created = 0;
  for (const [channelId, groups] of byChannel) {
    const made = await transaction(async (tx) => {
      const recovered: { id: number; reason: string; detail: string; failingSince: Date; worksSince: Date }[] = [];
      const superseded: number[] = [];
      for (const group of groups) {
        const newer = await tx.notificationGroup.findFirst({
          where: { channelId, kind: "error", reason: group.reason, detail: group.detail, openedAt: { gt: group.openedAt } },
          select: { id: true },
        });
        if (newer) {
          superseded.push(group.id);
          continue;
        }
        const success = await tx.deliveryAttempt.findFirst({
          where: { channelId, kind: "event", success: true, startedAt: { gt: group.lastAt } },
          orderBy: { id: "asc" },
          select: { startedAt: true },
        });
        if (success) recovered.push({ ...group, failingSince: group.openedAt, worksSince: success.startedAt });
      }
      const ids = [...superseded, ...recovered.map((r) => r.id)];
      if (ids.length === 0) return 0;
      // Claim first, as for error emails: a second notifier finds them recovered already.
      const claimed = await tx.notificationGroup.updateMany({ where: { id: { in: ids }, recoveredAt: null }, data: { recoveredAt: new Date(now) } });
      if (claimed.count !== ids.length || recovered.length === 0) return 0;
      const channel = await tx.channel.findUnique({
        where: { id: channelId },
        select: { id: true, name: true, email: true, errorNotification: true, members: { where: { role: "ADMIN" }, select: { user: { select: { email: true } } } } },
      });
      if (!channel?.errorNotification) return 0;
      const to = notificationRecipients(channel.email, channel.members.map((m) => m.user.email));
      if (to.length === 0) return 0;
      const worksSince = new Date(Math.max(...recovered.map((r) => r.worksSince.getTime())));
      const byLocale = await splitByLocale(tx, to);
      for (const [locale, addresses] of byLocale) {
        const email = composeRecoveredEmail({ channelId, channelName: channel.name, recovered, worksSince, consoleUrl, locale });
        await tx.emailMessage.create({
          data: { channelId, to: addresses.join(", "), subject: email.subject, text: email.text, html: email.html, createdAt: new Date(now) },
        });
      }
      return byLocale.length;
    });
    created += made;
  }
  return created;
}

/**
 * Delivers unsent messages. With no transport (no SMTP_URL) a message is done once it is in the
 * local outbox, which the console shows. With one, each message is claimed, sent, and on failure
 * retried with growing waits, up to MAX_SEND_ATTEMPTS, keeping the last error for the Outbox page.
 * Returns how many messages were sent.
 */
export async function deliverOutbox(now: number, transport: MailTransport | null): Promise<number> {
  if (!transport) {
    // The local outbox is the destination: no attempt is made, so the page says "In outbox".
    const local = await db().emailMessage.findMany({ where: { sentAt: null, attempts: 0 }, select: { id: true, createdAt: true } });
    for (const m of local) {
      await db().emailMessage.updateMany({ where: { id: m.id, sentAt: null }, data: { sentAt: m.createdAt } });
    }
    return local.length;
  }
  const ready = await db().emailMessage.findMany({
    where: {
      sentAt: null,
      attempts: { lt: MAX_SEND_ATTEMPTS },
      OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: new Date(now) } }],
    },
    orderBy: { id: "asc" },
    take: 50,
  });
  const { mailFrom } = env();
  let sent = 0;
  for (const message of ready) {
    // The claim counts the attempt and holds the message for a while, so two notifiers never send
    // it at once, and one that dies mid-send leaves it to be retried rather than lost.
    const claimed = await db().emailMessage.updateMany({
      where: { id: message.id, sentAt: null, attempts: message.attempts },
      data: { attempts: { increment: 1 }, nextAttemptAt: new Date(now + SEND_LEASE_MS) },
    });
    if (claimed.count === 0) continue;
    const attempts = message.attempts + 1;
    try {
      await transport.sendMail({
        from: mailFrom,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      await db().emailMessage.update({
        where: { id: message.id },
        data: { sentAt: new Date(now), nextAttemptAt: null, lastError: null },
      });
      sent += 1;
    } catch (error) {
      await db().emailMessage.update({
        where: { id: message.id },
        data: {
          lastError: error instanceof Error ? error.message : String(error),
          nextAttemptAt: attempts >= MAX_SEND_ATTEMPTS ? null : new Date(now + sendBackoffMs(attempts)),
        },
      });
    }
  }
  return sent;
}

/** The transport for the configured SMTP_URL, or null when mail stays in the local outbox. */
export function transportFromEnv(): MailTransport | null {
  const { smtpUrl } = env();
  return smtpUrl ? createTransport(smtpUrl) : null;
}

export type NotifierOptions = {
  now?: () => number;
  transport?: MailTransport | null;
  intervalMs?: number;
};

type Notifier = { timer: NodeJS.Timeout | undefined; running: Promise<void> | undefined; stopped: boolean };

// On globalThis: Next bundles instrumentation and route handlers separately; one loop per process.
const runtime = globalThis as unknown as { notifier?: Notifier };

/** One pass: emails for due groups, then the outbox. Errors are logged, never thrown: the loop goes on. */
async function tick(now: () => number, transport: MailTransport | null): Promise<void> {
  try {
    await processDueNotifications(now());
  } catch (error) {
    logger().error({ component: "notifier", err: error }, "could not turn notification groups into emails");
  }
  try {
    await processRecoveries(now());
  } catch (error) {
    console.error("notifier: could not send the recovered emails:", error);
  }
  try {
    await deliverOutbox(now(), transport);
  } catch (error) {
    logger().error({ component: "notifier", err: error }, "could not deliver the outbox");
  }
}

/** Starts this process's notification loop (once), every ~2 s until stopNotifier. */
export function startNotifier(options: NotifierOptions = {}): void {
  if (runtime.notifier && !runtime.notifier.stopped) return;
  const now = options.now ?? Date.now;
  const transport = options.transport === undefined ? transportFromEnv() : options.transport;
  const intervalMs = options.intervalMs ?? 2000;
  const notifier: Notifier = { timer: undefined, running: undefined, stopped: false };
  runtime.notifier = notifier;
  const schedule = () => {
    if (notifier.stopped) return;
    notifier.timer = setTimeout(() => {
      notifier.running = tick(now, transport).finally(() => {
        notifier.running = undefined;
        schedule();
      });
    }, intervalMs);
  };
  schedule();
}

/** Stops the loop and waits for a pass in progress to finish. */
export async function stopNotifier(): Promise<void> {
  const notifier = runtime.notifier;
  if (!notifier) return;
  runtime.notifier = undefined;
  notifier.stopped = true;
  clearTimeout(notifier.timer);
  await notifier.running;
}
