import { describe, expect, test } from "vitest";
import {
  addressRefusalRule,
  checkWebhookUrl,
  isPrivateHost,
  targetRefusal,
  WEBHOOK_URL_MAX_LENGTH,
  webhookTargetOf,
} from "@/lib/webhook/url";

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
    ["https://localhost./callback", "line", "public host"],
    ["https://x.localhost./callback", "line", "public host"],
    ["https://example.com./callback", "line", "public host"],
    ["https://[64:ff9b::a00:1]/callback", "line", "public host"],
    ["https://[::ffff:10.0.0.1]/callback", "line", "public host"],
    ["https://[::127.0.0.1]/callback", "line", "public host"],
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
    ["localhost.", true],
    ["x.localhost.", true],
    ["example.com.", true],
    ["[::1]", true],
  ])("%s → %s", (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});

describe("addressRefusalRule", () => {
  // Every range the "line" policy refuses to connect to, at both of its ends where it has two.
  test.each([
    ["0.0.0.0", "0.0.0.0/8"],
    ["0.255.255.255", "0.0.0.0/8"],
    ["10.0.0.1", "10.0.0.0/8"],
    ["100.64.0.0", "100.64.0.0/10"],
    ["100.127.255.255", "100.64.0.0/10"],
    ["127.0.0.1", "127.0.0.0/8"],
    ["127.255.255.254", "127.0.0.0/8"],
    ["169.254.169.254", "169.254.0.0/16"],
    ["172.16.0.1", "172.16.0.0/12"],
    ["172.31.255.255", "172.16.0.0/12"],
    ["192.0.0.0", "192.0.0.0/24"],
    ["192.0.0.255", "192.0.0.0/24"],
    ["192.168.1.1", "192.168.0.0/16"],
    ["198.18.0.0", "198.18.0.0/15"],
    ["198.19.255.255", "198.18.0.0/15"],
    ["224.0.0.1", "224.0.0.0/4"],
    ["239.255.255.255", "224.0.0.0/4"],
    ["240.0.0.1", "240.0.0.0/4"],
    ["254.255.255.255", "240.0.0.0/4"],
    ["255.255.255.255", "broadcast"],
    ["::", "(::)"],
    ["0:0:0:0:0:0:0:0", "(::)"],
    ["::1", "(::1)"],
    ["::ffff:127.0.0.1", "127.0.0.0/8"],
    ["::ffff:7f00:1", "127.0.0.0/8"],
    ["::ffff:10.1.2.3", "10.0.0.0/8"],
    ["::ffff:c0a8:101", "192.168.0.0/16"],
    ["::ffff:169.254.169.254", "169.254.0.0/16"],
    ["64:ff9b::8.8.8.8", "64:ff9b::/96"],
    ["64:ff9b::7f00:1", "64:ff9b::/96"],
    ["fc00::1", "fc00::/7"],
    ["fdff:ffff::1", "fc00::/7"],
    ["fe80::1", "fe80::/10"],
    ["febf::1", "fe80::/10"],
    ["fe80::1%eth0", "fe80::/10"],
    ["fec0::1", "fec0::/10"],
    ["feff::1", "fec0::/10"],
    ["ff02::1", "ff00::/8"],
    ["ff0e::1", "ff00::/8"],
    ["::127.0.0.1", "::/96"],
    ["::8.8.8.8", "::/96"],
    ["::a00:1", "::/96"],
  ])("refuses %s (%s)", (address, rule) => {
    expect(addressRefusalRule(address)).toContain(rule);
  });

  test.each([
    "8.8.8.8",
    "1.1.1.1",
    "9.255.255.255",
    "11.0.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "126.255.255.255",
    "128.0.0.1",
    "172.15.255.255",
    "172.32.0.1",
    "192.0.1.1",
    "192.0.2.1",
    "198.17.255.255",
    "198.20.0.1",
    "223.255.255.255",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9c::1",
    "fbff::1",
    "fe00::1",
  ])("lets %s through", (address) => {
    expect(addressRefusalRule(address)).toBeNull();
  });
});

describe("targetRefusal", () => {
  const target = (origin: string) => ({ origin, path: "/callback" });

  test("refuses nothing under the local policy", () => {
    expect(targetRefusal(target("http://127.0.0.1:3000"), "local")).toBeNull();
    expect(targetRefusal(target("http://localhost:3000"), "local")).toBeNull();
  });

  test.each([
    ["http://example.com", "Refused by the URL policy: http://example.com is not an https URL."],
    ["https://127.0.0.1", "Refused by the URL policy: 127.0.0.1 is a loopback address (127.0.0.0/8)."],
    ["https://[::1]", "Refused by the URL policy: [::1] is the loopback address (::1)."],
    ["https://localhost.", "Refused by the URL policy: localhost. is a name ending in a dot."],
  ])("refuses %s under the line policy", (origin, sentence) => {
    expect(targetRefusal(target(origin), "line")).toBe(sentence);
  });

  test("lets a public name through under the line policy: its addresses are checked when connecting", () => {
    expect(targetRefusal(target("https://bot.example.com"), "line")).toBeNull();
  });
});
