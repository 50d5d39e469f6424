import "server-only";
import { db } from "../db";
import { generatePassword, hashPassword, verifyPassword } from "./passwords";

export type SessionUser = { id: string; email: string; name: string };

/** The user with this email and password, or null; the same answer for an unknown email. */
export async function authenticate(email: string, password: string): Promise<SessionUser | null> {
  const user = await db().user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  if (!user) {
    // Spend the same time as a real check so that response times do not reveal accounts.
    await verifyPassword(password, DUMMY_HASH);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, name: user.name };
}

const DUMMY_HASH =
  "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

/** Creates an account; without a password, one is generated and returned so it can be shown once. */
export async function createUser(
  email: string,
  password?: string,
): Promise<{ user: SessionUser; password: string }> {
  const normalized = email.trim().toLowerCase();
  const plain = password ?? generatePassword();
  const user = await db().user.create({
    data: { email: normalized, name: normalized.split("@")[0], passwordHash: await hashPassword(plain) },
    select: { id: true, email: true, name: true },
  });
  return { user, password: plain };
}
