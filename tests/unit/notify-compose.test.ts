import { describe, expect, test } from "vitest";
import {
  composeNotificationEmail,
  escapeHtml,
  notificationRecipients,
  notificationSubject,
  type NotificationEmailInput,
} from "@/lib/notify/compose";
import { outboxStatus, sendBackoffMs, MAX_SEND_ATTEMPTS } from "@/lib/notify/outbox-status";

const input: NotificationEmailInput = {
  kind: "error",
  channelId: "1234567890",
  channelName: "Shop <bot> & co",
  reason: "error_status_code",
  detail: "500",
  count: 100,
  // 2025-06-30 15:04:05 UTC is 2025-07-01 00:04:05 in UTC+9: the date rolls over.
  detectedAt: new Date("2025-06-30T15:04:05.678Z"),
  consoleUrl: "https://console.example.com",
};

describe("notification subject", () => {
  test.each([
    ["error", "Bot", "Messaging API: Your bot server returned no response or an error - Bot"],
    ["redelivery_stopped", "Bot", "Messaging API: Webhook redelivery stopped - Bot"],
    ["error", "日本語ボット", "Messaging API: Your bot server returned no response or an error - 日本語ボット"],
  ] as const)("%s for %s", (kind, name, subject) => {
    expect(notificationSubject(kind, name)).toBe(subject);
  });
});

describe("composeNotificationEmail", () => {
  const email = composeNotificationEmail(input);

  test("has LINE's seven fields in LINE's order, the time in UTC+9", () => {
    expect(email.fields).toEqual([
      ["Channel ID", "1234567890"],
      ["Channel name", "Shop <bot> & co"],
      ["Reason for error", "error_status_code"],
      ["Detail for error", "500"],
      ["Error count", "100"],
      ["Time detected", "2025-07-01 00:04:05 (UTC+9)"],
      ["URL", "https://console.example.com/channels/1234567890/webhook-errors"],
    ]);
  });

  test("the text version lists every field as `Label: value`", () => {
    for (const [label, value] of email.fields) expect(email.text).toContain(`\n${label}: ${value}\n`);
    expect(email.subject).toBe("Messaging API: Your bot server returned no response or an error - Shop <bot> & co");
  });

  test("the HTML version escapes the channel's name and links the Webhook errors tab", () => {
    expect(email.html).toContain("Shop &lt;bot&gt; &amp; co");
    expect(email.html).not.toContain("<bot>");
    expect(email.html).toContain('<a href="https://console.example.com/channels/1234567890/webhook-errors">');
    expect(email.html).toContain("2025-07-01 00:04:05 (UTC+9)");
  });

  test("redelivery stopped has its own subject and the same fields", () => {
    const stopped = composeNotificationEmail({ ...input, kind: "redelivery_stopped", count: 3 });
    expect(stopped.subject).toBe("Messaging API: Webhook redelivery stopped - Shop <bot> & co");
    expect(stopped.fields.map(([label]) => label)).toEqual(email.fields.map(([label]) => label));
    expect(stopped.text).toContain("Error count: 3");
  });

  test("a trailing slash in the console's address does not double", () => {
    const e = composeNotificationEmail({ ...input, consoleUrl: "http://localhost:3000/" });
    expect(e.fields.at(-1)).toEqual(["URL", "http://localhost:3000/channels/1234567890/webhook-errors"]);
  });
});

describe("notificationRecipients", () => {
  test.each([
    ["contact and Admins, de-duplicated and lower-cased", "Ops@Example.com", ["a@example.com", "ops@example.com", "A@example.com"], ["ops@example.com", "a@example.com"]],
    ["no contact email", "", ["a@example.com"], ["a@example.com"]],
    ["no one at all", "", [], []],
    ["blank and spaced addresses", "  ", [" B@example.com "], ["b@example.com"]],
  ])("%s", (_name, contact, admins, expected) => {
    expect(notificationRecipients(contact, admins)).toEqual(expected);
  });
});

describe("escapeHtml", () => {
  test("escapes the five characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("outbox status and backoff", () => {
  test.each([
    [{ sentAt: new Date(), attempts: 0 }, "in_outbox"],
    [{ sentAt: new Date(), attempts: 2 }, "sent"],
    [{ sentAt: null, attempts: 0 }, "queued"],
    [{ sentAt: null, attempts: 3 }, "retrying"],
    [{ sentAt: null, attempts: MAX_SEND_ATTEMPTS }, "failed"],
  ] as const)("%o is %s", (message, status) => {
    expect(outboxStatus(message)).toBe(status);
  });

  test("waits grow from 30 s and stop growing at 1 h", () => {
    expect([1, 2, 3, 4].map(sendBackoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(sendBackoffMs(20)).toBe(3_600_000);
  });
});
