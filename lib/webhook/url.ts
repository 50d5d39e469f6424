import { isIP } from "node:net";
import { formatUserText, type UserText } from "../errors";
import { DEFAULT_LOCALE } from "../i18n/locales";

export const WEBHOOK_URL_MAX_LENGTH = 500;

export type UrlPolicy = "local" | "line";

export type UrlCheck = { ok: true; url: string } | { ok: false; error: string };

/** A URL's check with the reason for a refusal as a sentence of the catalogue, for the console's users. */
export type UrlCheckText = { ok: true; url: string } | { ok: false; text: UserText };

/** A refusal in English, as LINE's API words it. */
function inEnglish(refusal: { ok: false; text: UserText }): { ok: false; error: string } {
  return { ok: false, error: formatUserText(refusal.text, DEFAULT_LOCALE) };
}

function refuse(text: UserText): { ok: false; text: UserText } {
  return { ok: false, text };
}

/** Where a request goes, as undici takes it: the origin, and the path with its query. */
export type WebhookTarget = { origin: string; path: string };

/** Where a Webhook URL sends to, or why nothing can be sent to it. */
export type WebhookTargetCheck = { ok: true; target: WebhookTarget } | { ok: false; error: string };

/** The Webhook URL parsed, or why it cannot be used. */
type ParsedWebhookUrl = { ok: true; value: string; url: URL } | { ok: false; text: UserText };

/**
 * Checks a Webhook URL before it is saved. Under the "line" policy it also applies LINE's rules
 * for a shared deployment: https only, and no loopback, private or link-local hosts.
 */
export function checkWebhookUrl(input: string, policy: UrlPolicy): UrlCheck {
  const check = checkWebhookUrlText(input, policy);
  return check.ok ? check : inEnglish(check);
}

/** `checkWebhookUrl`, with the reason for a refusal as a sentence each user reads in their language. */
export function checkWebhookUrlText(input: string, policy: UrlPolicy): UrlCheckText {
  const parsed = parseWebhookUrl(input);
  if (!parsed.ok) return parsed;
  const { value, url } = parsed;
  if (policy === "line") {
    if (url.protocol !== "https:") return refuse({ key: "urlHttps" });
    if (isPrivateHost(url.hostname)) return refuse({ key: "urlPublic" });
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
  if (!parsed.ok) return inEnglish(parsed);
  // The fragment stays with the client, as in any HTTP request.
  return { ok: true, target: { origin: parsed.url.origin, path: `${parsed.url.pathname}${parsed.url.search}` } };
}

/** The rules every Webhook URL meets under any policy: http or https, a host, no spaces or credentials. */
function parseWebhookUrl(input: string): ParsedWebhookUrl {
  const value = input.trim();
  if (value === "") return refuse({ key: "urlEmpty" });
  if (value.length > WEBHOOK_URL_MAX_LENGTH) return refuse({ key: "urlTooLong", values: { max: WEBHOOK_URL_MAX_LENGTH, length: value.length } });
  if (/\s/.test(value)) return refuse({ key: "urlSpaces" });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse({ key: "urlInvalid" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return refuse({ key: "urlScheme" });
  if (url.hostname === "") return refuse({ key: "urlNoHost" });
  if (url.username || url.password) return refuse({ key: "urlCredentials" });
  return { ok: true, value, url };
}

/**
 * Loopback, private, link-local, reserved and other non-public addresses, names that mean this
 * machine, and names ending in a dot (which would dodge the name rules).
 */
export function isPrivateHost(hostname: string): boolean {
  return hostRefusalRule(hostname) !== null;
}

/**
 * Why the "line" policy refuses a host as written (a name or an IP literal), as a phrase that
 * follows "is" (`a loopback address (127.0.0.0/8)`), or null for a host it lets through. A name
 * that passes is still resolved, and each of its addresses checked by `addressRefusalRule`.
 */
export function hostRefusalRule(hostname: string): string | null {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(host) !== 0) return addressRefusalRule(host);
  if (host.endsWith(".")) return "a name ending in a dot";
  if (host === "localhost" || host.endsWith(".localhost")) return "a name for this machine";
  if (host.endsWith(".local")) return "a link-local (mDNS) name";
  return null;
}

/**
 * Why the "line" policy refuses to connect to an IP address, as a phrase that follows "is", or
 * null for a public address. An IPv4-mapped IPv6 address is judged by its IPv4 address.
 */
export function addressRefusalRule(address: string): string | null {
  const bare = address.replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return ipv4RefusalRule(bare.split(".").map(Number));
  if (family === 6) return ipv6RefusalRule(ipv6Groups(bare.toLowerCase()));
  return null;
}

/**
 * Why the policy refuses to send to a target as written, in the words `describeRefusal` gives,
 * or null. Only "line" refuses anything here; the addresses a name resolves to are checked when
 * the connection is made, by `addressRefusalRule`.
 */
export function targetRefusal(target: WebhookTarget, policy: UrlPolicy): string | null {
  if (policy !== "line") return null;
  const { protocol, hostname } = new URL(target.origin);
  if (protocol !== "https:") return describeRefusal(target.origin, "not an https URL");
  const rule = hostRefusalRule(hostname);
  return rule === null ? null : describeRefusal(hostname, rule);
}

/** A connection the URL policy refused before it was made, with the address it refused. */
export class UrlPolicyRefusal extends Error {
  constructor(
    readonly address: string,
    readonly rule: string,
  ) {
    super(describeRefusal(address, rule));
    this.name = "UrlPolicyRefusal";
  }
}

/** The sentence the console shows for a send the URL policy refused, naming what it refused. */
export function describeRefusal(subject: string, rule: string): string {
  return `Refused by the URL policy: ${subject} is ${rule}.`;
}

function ipv4RefusalRule([a, b, c, d]: number[]): string | null {
  if (a === 0) return "a \"this network\" address (0.0.0.0/8)";
  if (a === 10) return "a private address (10.0.0.0/8)";
  if (a === 100 && b >= 64 && b <= 127) return "a shared (carrier-grade NAT) address (100.64.0.0/10)";
  if (a === 127) return "a loopback address (127.0.0.0/8)";
  if (a === 169 && b === 254) return "a link-local address (169.254.0.0/16)";
  if (a === 172 && b >= 16 && b <= 31) return "a private address (172.16.0.0/12)";
  if (a === 192 && b === 0 && c === 0) return "an IETF protocol address (192.0.0.0/24)";
  if (a === 192 && b === 168) return "a private address (192.168.0.0/16)";
  if (a === 198 && (b === 18 || b === 19)) return "a benchmarking address (198.18.0.0/15)";
  if (a >= 224 && a <= 239) return "a multicast address (224.0.0.0/4)";
  if (a === 255 && b === 255 && c === 255 && d === 255) return "the broadcast address";
  if (a >= 240) return "a reserved address (240.0.0.0/4)";
  return null;
}

function ipv6RefusalRule(g: number[]): string | null {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return "the unspecified address (::)";
  if (zeroUpTo(7) && g[7] === 1) return "the loopback address (::1)";
  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4RefusalRule([g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255]);
  if (zeroUpTo(6)) return "an IPv4-compatible address (::/96)";
  // NAT64 reaches any IPv4 address, private ones included, through the translator.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return "a NAT64 address (64:ff9b::/96)";
  if ((g[0] & 0xfe00) === 0xfc00) return "a unique local address (fc00::/7)";
  if ((g[0] & 0xffc0) === 0xfe80) return "a link-local address (fe80::/10)";
  if ((g[0] & 0xffc0) === 0xfec0) return "a site-local address (fec0::/10)";
  if ((g[0] & 0xff00) === 0xff00) return "a multicast address (ff00::/8)";
  return null;
}

/** The eight 16-bit groups of a valid IPv6 address, a trailing dotted IPv4 part included. */
function ipv6Groups(address: string): number[] {
  const dotted = address.match(/^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  const hex = dotted
    ? `${dotted[1]}${((Number(dotted[2]) << 8) | Number(dotted[3])).toString(16)}:${((Number(dotted[4]) << 8) | Number(dotted[5])).toString(16)}`
    : address;
  const [head, tail] = hex.split("::");
  const groups = (part: string | undefined) => (part ? part.split(":").map((x) => parseInt(x, 16)) : []);
  const before = groups(head);
  const after = groups(tail);
  const missing = tail === undefined ? 0 : 8 - before.length - after.length;
  return [...before, ...new Array<number>(missing).fill(0), ...after];
}
