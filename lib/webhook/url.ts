import { isIP } from "node:net";

export const WEBHOOK_URL_MAX_LENGTH = 500;

export type UrlPolicy = "local" | "line";

export type UrlCheck = { ok: true; url: string } | { ok: false; error: string };

/** Where a request goes, as undici takes it: the origin, and the path with its query. */
export type WebhookTarget = { origin: string; path: string };

/** Where a Webhook URL sends to, or why nothing can be sent to it. */
export type WebhookTargetCheck = { ok: true; target: WebhookTarget } | { ok: false; error: string };

/** The Webhook URL parsed, or why it cannot be used. */
type ParsedWebhookUrl = { ok: true; value: string; url: URL } | { ok: false; error: string };

/**
 * Checks a Webhook URL before it is saved. Under the "line" policy it also applies LINE's rules
 * for a shared deployment: https only, and no loopback, private or link-local hosts.
 */
export function checkWebhookUrl(input: string, policy: UrlPolicy): UrlCheck {
  const parsed = parseWebhookUrl(input);
  if (!parsed.ok) return parsed;
  const { value, url } = parsed;
  if (policy === "line") {
    if (url.protocol !== "https:") return { ok: false, error: "The Webhook URL must use https://." };
    if (isPrivateHost(url.hostname)) {
      return {
        ok: false,
        error: "The Webhook URL must point at a public host, not a loopback or private address.",
      };
    }
  }
  return { ok: true, url: value };
}

/**
 * Where a webhook for this URL goes, by the same rules `checkWebhookUrl` saves it by (whatever
 * the policy, which governs what may be saved, not what can be sent): a URL the console would
 * refuse is never sent to, even if it reached the database some other way.
 */
export function webhookTargetOf(input: string): WebhookTargetCheck {
  const parsed = parseWebhookUrl(input);
  if (!parsed.ok) return parsed;
  // The fragment stays with the client, as in any HTTP request.
  return { ok: true, target: { origin: parsed.url.origin, path: `${parsed.url.pathname}${parsed.url.search}` } };
}

/** The rules every Webhook URL meets under any policy: http or https, a host, no spaces or credentials. */
function parseWebhookUrl(input: string): ParsedWebhookUrl {
  const value = input.trim();
  if (value === "") return { ok: false, error: "Enter a Webhook URL." };
  if (value.length > WEBHOOK_URL_MAX_LENGTH) {
    return {
      ok: false,
      error: `The Webhook URL must be at most ${WEBHOOK_URL_MAX_LENGTH} characters (it has ${value.length}).`,
    };
  }
  if (/\s/.test(value)) return { ok: false, error: "The Webhook URL must not contain spaces." };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, error: "The Webhook URL is not a valid URL. It should look like https://example.com/callback." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, error: "The Webhook URL must start with https:// or http://." };
  }
  if (url.hostname === "") return { ok: false, error: "The Webhook URL has no host." };
  if (url.username || url.password) {
    return { ok: false, error: "The Webhook URL must not contain a user name or password." };
  }
  return { ok: true, value, url };
}

/** Loopback, private, link-local and unspecified addresses, and names that mean this machine. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) return true;
  const family = isIP(host);
  if (family === 4) {
    const [a, b] = host.split(".").map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (family === 6) {
    if (host === "::" || host === "::1") return true;
    const dotted = host.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (dotted) return isPrivateHost(dotted[1]);
    // The URL parser rewrites ::ffff:127.0.0.1 as ::ffff:7f00:1.
    const hex = host.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
    if (hex) {
      const hi = parseInt(hex[1], 16);
      const lo = parseInt(hex[2], 16);
      return isPrivateHost(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return /^(fc|fd|fe8|fe9|fea|feb)/.test(host);
  }
  return false;
}
