/**
 * The header the server sets on every request to the address of the socket it came on, replacing
 * any value a client sent (see lib/http/peer-address.ts).
 */
export const PEER_HEADER = "x-console-peer";

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The address a request came from. With no proxy in front (`proxyHops` 0) it is the socket's
 * peer, and X-Forwarded-For, which any client can write, is ignored. Behind `proxyHops` proxies,
 * each of which appends the address it was reached from, it is the entry that many places from
 * the end of X-Forwarded-For.
 */
export function clientAddress(headers: HeaderBag, proxyHops: number): string | null {
  const peer = header(headers, PEER_HEADER) || null;
  if (proxyHops === 0) return peer;
  const forwarded = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - proxyHops] ?? peer;
}
