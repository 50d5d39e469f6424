import "server-only";
import { db, transaction } from "../db";
import { env } from "../env";
import { InputError, type UserText } from "../errors";
import { hashLinkSecret, isLinkSecret, newLinkSecret } from "./link-secrets";
import { hashPassword } from "./passwords";
import { forgetFailedSignIns } from "./sign-in-guard";
import { assertPasswordAllowed, normalizeEmail } from "./users";

/** How long a reset link works: long enough to pass it on, short enough not to linger. */
export const PASSWORD_RESET_TTL_MS = 24 * 3_600_000;

/** What a reset link says once it cannot be used. */
export const USED_OR_EXPIRED = { key: "resetUsedOrExpired" } as const satisfies UserText;

/**
 * Makes a single-use link with which the owner of `email` chooses a new password; an earlier
 * unused link of the account stops working. Only the operator makes these (`npm run
 * reset-password`), so an unknown address is said plainly.
 */
export async function createPasswordReset(email: string, now: Date = new Date()): Promise<{ email: string; url: string; expiresAt: Date }> {
  const user = await db().user.findUnique({ where: { email: normalizeEmail(email) }, select: { id: true, email: true } });
  if (!user) throw new InputError({ key: "noAccountFor", values: { email: normalizeEmail(email) } });
  const secret = newLinkSecret();
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
  await transaction(async (tx) => {
    await tx.passwordReset.deleteMany({ where: { userId: user.id, usedAt: null } });
    await tx.passwordReset.create({ data: { tokenHash: hashLinkSecret(secret), userId: user.id, createdAt: now, expiresAt } });
  });
  return { email: user.email, url: `${env().consoleUrl}/reset/${secret}`, expiresAt };
}

async function findUsable(secret: string, now: Date) {
  if (!isLinkSecret(secret)) return null;
  const reset = await db().passwordReset.findUnique({
    where: { tokenHash: hashLinkSecret(secret) },
    include: { user: { select: { email: true } } },
  });
  if (!reset || reset.usedAt || reset.expiresAt <= now) return null;
  return reset;
}

/** The account a reset link is for, or null when the link is unknown, used or expired. */
export async function describePasswordReset(secret: string, now: Date = new Date()): Promise<{ email: string } | null> {
  const reset = await findUsable(secret, now);
  return reset ? { email: reset.user.email } : null;
}

/**
 * Sets the password a reset link's owner chose, once: every session of the account ends, and its
 * failed sign-ins are forgotten. Returns the account's email, to sign in with.
 */
export async function resetPassword(
  secret: string,
  input: { password: string; confirmation: string },
  now: Date = new Date(),
): Promise<{ email: string }> {
  const reset = await findUsable(secret, now);
  if (!reset) throw new InputError(USED_OR_EXPIRED);
  assertPasswordAllowed(input.password, input.confirmation, reset.user.email);
  const passwordHash = await hashPassword(input.password);
  await transaction(async (tx) => {
    const { count } = await tx.passwordReset.updateMany({
      where: { id: reset.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (count !== 1) throw new InputError(USED_OR_EXPIRED);
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
  });
  await forgetFailedSignIns(reset.user.email);
  return { email: reset.user.email };
}
