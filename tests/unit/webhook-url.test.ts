import { describe, expect, test } from "vitest";
import { checkWebhookUrl, isPrivateHost, WEBHOOK_URL_MAX_LENGTH, webhookTargetOf } from "@/lib/webhook/url";

describe("checkWebhookUrl", () => {
  test.each([
    ["https://example.com/callback", "local"],
    ["https://example.com/callback", "line"],
    ["http://localhost:8080/callback", "local"],
    ["http://127.0.0.1:3001/webhook?x=1", "local"],
    ["https://bot.example.co.jp:8443/line/webhook", "line"],
    ["  https://example.com/padded  ", "line"],
  ] as const)("accepts %s under the %s policy", (url, policy) => {
    expect(checkWebhookUrl(url, policy)).toEqual({ ok: true, url: url.trim() });
  });

  test.each([
    ["", "local", "Enter a Webhook URL."],
    ["   ", "local", "Enter a Webhook URL."],
    ["example.com/callback", "local", "not a valid URL"],
    ["https://", "local", "not a valid URL"],
    ["ftp://example.com/callback", "local", "must start with https:// or http://"],
    ["javascript:alert(1)", "local", "must start with https:// or http://"],
    ["https://exa mple.com/", "local", "must not contain spaces"],
    ["https://user:pass@example.com/", "local", "user name or password"],
    ["http://example.com/callback", "line", "must use https://"],
    ["https://localhost/callback", "line", "public host"],
    ["https://127.0.0.1/callback", "line", "public host"],
    ["https://10.1.2.3/callback", "line", "public host"],
    ["https://192.168.0.10/callback", "line", "public host"],
    ["https://172.20.0.1/callback", "line", "public host"],
    ["https://[::1]/callback", "line", "public host"],
    ["https://[::ffff:127.0.0.1]/callback", "line", "public host"],
    ["https://bot.local/callback", "line", "public host"],
  ] as const)("refuses %j under the %s policy", (url, policy, message) => {
    const result = checkWebhookUrl(url, policy);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  test("accepts exactly 500 characters and refuses 501", () => {
    const base = "https://example.com/";
    const at = base + "a".repeat(WEBHOOK_URL_MAX_LENGTH - base.length);
    expect(checkWebhookUrl(at, "line").ok).toBe(true);
    const over = checkWebhookUrl(`${at}a`, "line");
    expect(over).toEqual({ ok: false, error: "The Webhook URL must be at most 500 characters (it has 501)." });
  });
});

describe("webhookTargetOf", () => {
  test.each([
    ["https://example.com/callback", "https://example.com", "/callback"],
    ["http://127.0.0.1:3001/webhook?x=1", "http://127.0.0.1:3001", "/webhook?x=1"],
    ["https://Bot.Example.com:443/line#top", "https://bot.example.com", "/line"],
    ["  https://example.com/padded  ", "https://example.com", "/padded"],
    ["https://example.com", "https://example.com", "/"],
    ["https://example.com/caf%C3%A9?q=%20", "https://example.com", "/caf%C3%A9?q=%20"],
  ])("sends %j to %s with path %s", (url, origin, path) => {
    expect(webhookTargetOf(url)).toEqual({ ok: true, target: { origin, path } });
  });

  // The sender and the saver read a URL by one set of rules: what the console refuses to save is
  // never sent to, and what it saves can be sent to under either policy.
  test.each([
    ["https://user:pass@example.com/callback", false],
    ["https://user@example.com/callback", false],
    ["https://:pass@example.com/callback", false],
    ["https://example.com/call back", false],
    ["https://example.com/callback?q=a b", false],
    ["https://exa mple.com/", false],
    ["https://example.com/call\tback", false],
    ["https://example.com/call\nback", false],
    ["https://example.com/callback#a b", false],
    [`https://example.com/${"a".repeat(WEBHOOK_URL_MAX_LENGTH)}`, false],
    ["ftp://example.com/callback", false],
    ["http://", false],
    ["", false],
    ["https://example.com/callback", true],
    ["https://example.com/%20callback", true],
    ["http://localhost:8080/callback", true],
    ["\u00a0https://example.com/callback\u00a0", true],
  ])("%j is sendable: %s, as the saver sees it", (url, sendable) => {
    const check = checkWebhookUrl(url, "local");
    const target = webhookTargetOf(url);
    expect(target.ok).toBe(sendable);
    expect(check.ok).toBe(sendable);
    if (!target.ok && !check.ok) expect(target.error).toBe(check.error);
  });
});

describe("isPrivateHost", () => {
  test.each([
    ["8.8.8.8", false],
    ["172.32.0.1", false],
    ["100.128.0.1", false],
    ["example.com", false],
    ["2001:db8::1", false],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["fd00::1", true],
    ["fe80::1", true],
    ["sub.localhost", true],
  ])("%s → %s", (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});
