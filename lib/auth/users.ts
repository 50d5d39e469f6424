import "server-only";
import { db } from "../db";
import { InputError } from "../errors";
import { passwordProblemText } from "./password-rules";
import { generatePassword, hashPassword, verifyPassword } from "./passwords";

export type SessionUser = { id: string; email: string; name: string };

/** A signed-in user as the session carries them: with the session version they signed in under. */
export type SignedInUser = SessionUser & { sessionVersion: number };

/** Email addresses are kept and compared trimmed and in lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const signedInSelect = { id: true, email: true, name: true, sessionVersion: true } as const;

/** The user with this email and password, or null; the same answer for an unknown email. */
export async function authenticate(email: string, password: string): Promise<SignedInUser | null> {
  const user = await db().user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { ...signedInSelect, passwordHash: true },
  });
  if (!user) {
    // Spend the same time as a real check so that response times do not reveal accounts.
    await verifyPassword(password, DUMMY_HASH);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}

const DUMMY_HASH =
  "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

/** A chosen password, or an InputError saying what is wrong with it. */
export function assertPasswordAllowed(password: string, confirmation: string | undefined, email: string): void {
  const problem = passwordProblemText(password, email);
  if (problem) throw new InputError(problem);
  if (confirmation !== undefined && confirmation !== password) {
    throw new InputError({ key: "passwordsDiffer" });
  }
}

/** Creates an account; without a password, one is generated and returned so it can be shown once. */
export async function createUser(
  email: string,
  password?: string,
): Promise<{ user: SessionUser; password: string }> {
  const normalized = normalizeEmail(email);
  const plain = password ?? generatePassword();
  const user = await db().user.create({
    data: { email: normalized, name: normalized.split("@")[0], passwordHash: await hashPassword(plain) },
    select: { id: true, email: true, name: true },
  });
  return { user, password: plain };
}
