import { createServer } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { createTransport } from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore } from "@/lib/delivery/store";
import { deliverOutbox, processDueNotifications, transportFromEnv } from "@/lib/notify/notifier";
import { MAX_SEND_ATTEMPTS, outboxStatus } from "@/lib/notify/outbox-status";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { describeInvitation } from "@/lib/auth/invitations";
import { inviteMember } from "@/lib/console/members";
import { accessOf } from "../support/access";

const MIN = 60_000;
const T0 = Date.parse("2025-07-01T08:30:00+09:00");

type Received = { envelopeTo: string[]; mail: ParsedMail };

/** A real SMTP server on a loopback port that keeps every message it accepts. */
async function startSmtp(port = 0): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === "string") throw new Error("The SMTP server has no port.");
  return {
    port: address.port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("No port.");
  return address.port;
}

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let adminId: string;
let providerId: string;
let store: DeliveryStore;

/** One failed send of the channel, recorded through the real store. */
async function recordFailure(channelId: string, detectedAt: number, count = 1) {
  await store.recordOutcomes(
    Array.from({ length: count }, () => ({
      seq: 0,
      attemptsBefore: 0,
      attempt: {
        channelId,
        webhookEventId: null,
        kind: "event" as const,
        isRedelivery: false,
        url: "http://127.0.0.1:9/callback",
        startedAt: detectedAt - 2000,
        durationMs: 2000,
        failure: { reason: "request_timeout" as const, detail: "Request timeout" },
        requestExcerpt: "{}",
      },
    })),
    detectedAt,
  );
}

async function notifiedChannel(name: string, email: string) {
  const { id } = await createChannel(adminId, providerId, { name, description: "", email });
  await db().channel.update({ where: { id }, data: { errorNotification: true, useWebhook: true } });
  return id;
}

beforeAll(async () => {
  smtp = await startSmtp();
  // Before anything reads the environment: the notifier's transport comes from SMTP_URL.
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
  process.env.MAIL_FROM = "Console <alerts@console.test>";
  process.env.CONSOLE_URL = "https://console.test";
  adminId = (await createUser("smtp-admin@example.com", "pw")).user.id;
  providerId = (await createProvider(adminId, "SMTP")).id;
  store = openDeliveryStore();
});

afterAll(async () => {
  await store?.close();
  await smtp?.close();
});

describe("notification emails over SMTP", () => {
  test("the SMTP server receives the email with LINE's subject, recipients and seven fields", async () => {
    const channelId = await notifiedChannel("SMTP bot", "Contact@Example.com");
    await recordFailure(channelId, T0, 3);
    await processDueNotifications(T0 + 5 * MIN);
    expect(await deliverOutbox(T0 + 5 * MIN, transportFromEnv())).toBe(1);

    expect(smtp.received).toHaveLength(1);
    const { envelopeTo, mail } = smtp.received[0];
    expect(mail.subject).toBe("Messaging API: Your bot server returned no response or an error - SMTP bot");
    expect(envelopeTo.sort()).toEqual(["contact@example.com", "smtp-admin@example.com"]);
    expect(mail.from?.value[0].address).toBe("alerts@console.test");
    const body = mail.text ?? "";
    expect(body).toContain(`Channel ID: ${channelId}`);
    expect(body).toContain("Channel name: SMTP bot");
    expect(body).toContain("Reason for error: request_timeout");
    expect(body).toContain("Detail for error: Request timeout");
    expect(body).toContain("Error count: 3");
    expect(body).toContain("Time detected: 2025-07-01 08:30:00 (UTC+9)");
    expect(body).toContain(`URL: https://console.test/channels/${channelId}/webhook-errors`);
    expect(mail.html || "").toContain(`href="https://console.test/channels/${channelId}/webhook-errors"`);

    const [row] = await db().emailMessage.findMany({ where: { channelId } });
    expect(outboxStatus(row)).toBe("sent");
    expect(row.sentAt?.getTime()).toBe(T0 + 5 * MIN);
  });

  test("a Japanese-language Admin receives the email in Japanese, subject included; the others get it in English", async () => {
    const channelId = await notifiedChannel("日本語ボット", "ops@example.com");
    const { user } = await createUser("ja-admin@example.com", "pw");
    await db().user.update({ where: { id: user.id }, data: { locale: "ja" } });
    await db().channelMember.create({ data: { channelId, userId: user.id, role: "ADMIN" } });
    const before = smtp.received.length;
    await recordFailure(channelId, T0, 2);
    expect(await processDueNotifications(T0 + 5 * MIN)).toBe(2);
    expect(await deliverOutbox(T0 + 5 * MIN, transportFromEnv())).toBe(2);

    const mails = smtp.received.slice(before);
    const japanese = mails.find((m) => m.envelopeTo.includes("ja-admin@example.com"));
    const english = mails.find((m) => m.envelopeTo.includes("ops@example.com"));
    expect(japanese?.envelopeTo).toEqual(["ja-admin@example.com"]);
    expect(english?.envelopeTo.sort()).toEqual(["ops@example.com", "smtp-admin@example.com"]);

    expect(japanese?.mail.subject).toBe("Messaging API:ボットサーバーから応答がないか、エラーが返されました - 日本語ボット");
    const body = japanese?.mail.text ?? "";
    expect(body).toContain("このチャネルのWebhookに対して、ボットサーバーから応答がないか、エラーが返されました。");
    expect(body).toContain(`チャネルID: ${channelId}`);
    expect(body).toContain("チャネル名: 日本語ボット");
    // LINE's reason and detail read the same in every language.
    expect(body).toContain("エラーの原因: request_timeout");
    expect(body).toContain("エラーの詳細: Request timeout");
    expect(body).toContain("エラー数: 2");
    expect(body).toContain("検出日時: 2025/07/01 08:30:00 (UTC+9)");
    expect(japanese?.mail.html || "").toContain('<html lang="ja">');

    expect(english?.mail.subject).toBe("Messaging API: Your bot server returned no response or an error - 日本語ボット");
    expect(english?.mail.text).toContain("Reason for error: request_timeout");
  });

  test("while SMTP is down the email waits with its error, and goes out once the server is up", async () => {
    const port = await freePort();
    const transport = createTransport(`smtp://127.0.0.1:${port}`);
    const channelId = await notifiedChannel("Down bot", "");
    await recordFailure(channelId, T0);
    await processDueNotifications(T0 + 5 * MIN);

    expect(await deliverOutbox(T0 + 5 * MIN, transport)).toBe(0);
    let [row] = await db().emailMessage.findMany({ where: { channelId } });
    expect(row.sentAt).toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(row.nextAttemptAt?.getTime()).toBe(T0 + 5 * MIN + 30_000);
    expect(outboxStatus(row)).toBe("retrying");

    // Not before its time, even with the server back.
    const back = await startSmtp(port);
    try {
      expect(await deliverOutbox(T0 + 5 * MIN + 29_000, transport)).toBe(0);
      expect(back.received).toHaveLength(0);
      expect(await deliverOutbox(T0 + 5 * MIN + 30_000, transport)).toBe(1);
      expect(back.received.map((r) => r.mail.subject)).toEqual([
        "Messaging API: Your bot server returned no response or an error - Down bot",
      ]);
      [row] = await db().emailMessage.findMany({ where: { channelId } });
      expect(row.sentAt).not.toBeNull();
      expect(row.attempts).toBe(2);
      expect(outboxStatus(row)).toBe("sent");
    } finally {
      await back.close();
    }
  });

  test(`after ${MAX_SEND_ATTEMPTS} failed attempts the notifier gives up and keeps the last error`, async () => {
    const transport = createTransport(`smtp://127.0.0.1:${await freePort()}`);
    const channelId = await notifiedChannel("Gone bot", "");
    await recordFailure(channelId, T0);
    await processDueNotifications(T0 + 5 * MIN);
    let now = T0 + 5 * MIN;
    for (let i = 0; i < MAX_SEND_ATTEMPTS + 2; i++) {
      await deliverOutbox(now, transport);
      now += 2 * 3_600_000;
    }
    const [row] = await db().emailMessage.findMany({ where: { channelId } });
    expect(row.attempts).toBe(MAX_SEND_ATTEMPTS);
    expect(row.sentAt).toBeNull();
    expect(row.nextAttemptAt).toBeNull();
    expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(outboxStatus(row)).toBe("failed");
  });

  test("an invitation reaches the invitee over SMTP with its single-use link, which opens their invitation", async () => {
    const channelId = await notifiedChannel("Invite mail bot", "");
    const before = smtp.received.length;
    const { url } = await inviteMember(await accessOf(adminId, channelId), { email: "Invitee@Example.com", role: "MEMBER" });
    expect(url.startsWith("https://console.test/invite/")).toBe(true);
    expect(await deliverOutbox(Date.now(), transportFromEnv())).toBe(1);
    expect(smtp.received).toHaveLength(before + 1);
    const { envelopeTo, mail } = smtp.received[before];
    expect(envelopeTo).toEqual(["invitee@example.com"]);
    expect(mail.subject).toBe('You are invited to the channel "Invite mail bot"');
    expect(mail.text).toContain("smtp-admin@example.com invited you");
    const link = (mail.text ?? "").match(/https:\/\/console\.test\/invite\/\S+/)?.[0];
    expect(link).toBe(url);
    expect(await describeInvitation(link!.slice(link!.lastIndexOf("/") + 1))).toMatchObject({ email: "invitee@example.com", channelId });
  });
});
