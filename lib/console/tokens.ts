import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { db, transaction } from "../db";
import { NotFoundError } from "../errors";
import { assertCan, type ChannelAccess } from "./access";

/** Short-lived tokens from client credentials last 30 days, as LINE's do. */
export const SHORT_LIVED_TOKEN_SECONDS = 30 * 24 * 60 * 60;

/** A channel has at most this many short-lived tokens; issuing one more ends the oldest, as at LINE. */
export const MAX_SHORT_LIVED_TOKENS = 30;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function newToken(): string {
  return randomBytes(48).toString("base64url");
}

export type AccessTokenView = { id: string; label: string; createdAt: Date; expiresAt: Date | null };

/** Issues a long-lived channel access token (Admins). The token is returned once; only its hash is kept. */
export async function issueAccessToken(access: ChannelAccess, label = ""): Promise<{ token: string; id: string }> {
  assertCan(access, "manage");
  const token = newToken();
  const row = await db().channelAccessToken.create({
    data: { channelId: access.channel.id, tokenHash: hashToken(token), label: label.trim().slice(0, 100) },
    select: { id: true },
  });
  return { token, id: row.id };
}

/** The channel's tokens that still work, newest first (Admins and Members; Testers see none). */
export async function listAccessTokens(access: ChannelAccess): Promise<AccessTokenView[]> {
  assertCan(access, "read");
  return db().channelAccessToken.findMany({
    where: { channelId: access.channel.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    orderBy: { createdAt: "desc" },
    select: { id: true, label: true, createdAt: true, expiresAt: true },
  });
}

/** Revokes a token at once (Admins). */
export async function revokeAccessToken(access: ChannelAccess, tokenId: string): Promise<void> {
  assertCan(access, "manage");
  const { count } = await db().channelAccessToken.updateMany({
    where: { id: tokenId, channelId: access.channel.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new NotFoundError({ key: "tokenNotFound" });
}

/**
 * Issues a short-lived token for a channel ID and its secret (OAuth client credentials), or
 * returns null when they do not match a channel. Short-lived tokens that expired, and the oldest
 * beyond the channel's 30, are deleted with it, so a script that asks for a token on every run
 * neither fills the token list nor leaves old tokens working.
 */
export async function issueTokenForClientCredentials(
  channelId: string,
  channelSecret: string,
  now = new Date(),
): Promise<{ token: string; expiresIn: number } | null> {
  const channel = await db().channel.findUnique({ where: { id: channelId }, select: { channelSecret: true } });
  if (!channel) return null;
  const expected = Buffer.from(channel.channelSecret);
  const given = Buffer.from(channelSecret);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const token = newToken();
  await transaction(async (tx) => {
    await tx.channelAccessToken.create({
      data: {
        channelId,
        tokenHash: hashToken(token),
        label: "client credentials",
        createdAt: now,
        expiresAt: new Date(now.getTime() + SHORT_LIVED_TOKEN_SECONDS * 1000),
      },
    });
    const shortLived = { channelId, expiresAt: { not: null } };
    await tx.channelAccessToken.deleteMany({ where: { ...shortLived, OR: [{ expiresAt: { lte: now } }, { revokedAt: { not: null } }] } });
    const beyond = await tx.channelAccessToken.findMany({
      where: shortLived,
      orderBy: [{ createdAt: "desc" }, { expiresAt: "desc" }],
      skip: MAX_SHORT_LIVED_TOKENS,
      select: { id: true },
    });
    if (beyond.length > 0) await tx.channelAccessToken.deleteMany({ where: { id: { in: beyond.map((t) => t.id) } } });
  });
  return { token, expiresIn: SHORT_LIVED_TOKEN_SECONDS };
}

/** The channel a bearer token belongs to, or null when it is unknown, revoked or expired. */
export async function channelForToken(token: string, now = new Date()): Promise<string | null> {
  if (!token) return null;
  const row = await db().channelAccessToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { channelId: true, revokedAt: true, expiresAt: true },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  return row.channelId;
}
