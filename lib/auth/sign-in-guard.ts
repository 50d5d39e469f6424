import "server-only";
import { db } from "../db";
import { formatUserText, type UserText } from "../errors";
import { DEFAULT_LOCALE } from "../i18n/locales";
import { HashBusyError } from "./passwords";
import { authenticate, normalizeEmail, type SessionUser } from "./users";

/**
 * How failed sign-ins of one key are answered: the first `free` cost nothing, each further one
 * makes the next try wait longer (1 s, 2 s, 4 s… up to `maxWaitMs`), and from `lockAt` on every
 * try locks the key for `lockMs`. A key with no try for `forgetMs` starts over.
 */
export type ThrottleRule = { free: number; maxWaitMs: number; lockAt: number; lockMs: number; forgetMs: number };

const MINUTE_MS = 60_000;

/** One account: ten guesses an hour at most, whoever makes them and from however many addresses. */
export const ACCOUNT_RULE: ThrottleRule = { free: 5, maxWaitMs: MINUTE_MS, lockAt: 10, lockMs: 15 * MINUTE_MS, forgetMs: 60 * MINUTE_MS };

/** One client address: looser, as an office may share one, but it stops guessing across accounts. */
export const ADDRESS_RULE: ThrottleRule = { free: 20, maxWaitMs: MINUTE_MS, lockAt: 40, lockMs: 15 * MINUTE_MS, forgetMs: 60 * MINUTE_MS };

/** How long the try after the `failures`th must wait. */
export function waitAfter(rule: ThrottleRule, failures: number): number {
  if (failures < rule.free) return 0;
  if (failures >= rule.lockAt) return rule.lockMs;
  return Math.min(1000 * 2 ** (failures - rule.free), rule.maxWaitMs);
}

/** A sign-in that was not checked at all, with the sentence the sign-in form shows (in English as its message). */
export class SignInRefusedError extends Error {
  constructor(readonly text: UserText) {
    super(formatUserText(text, DEFAULT_LOCALE));
    this.name = "SignInRefusedError";
  }
}

type Claim = { ok: true } | { ok: false; failures: number; retryAt: number };

/**
 * Counts a try for `key` before its password is checked, so that tries made at the same moment
 * cannot all slip in under the limit: read, then write only if nobody wrote in between.
 */
async function claimTry(key: string, rule: ThrottleRule, now: number): Promise<Claim> {
  for (let round = 0; round < 20; round++) {
    const row = await db().signInThrottle.findUnique({ where: { key } });
    if (row && Number(row.blockedUntil) > now) {
      return { ok: false, failures: row.failures, retryAt: Number(row.blockedUntil) };
    }
    const counted = row && now - Number(row.lastTryAt) < rule.forgetMs ? row.failures : 0;
    const failures = counted + 1;
    const data = { failures, lastTryAt: BigInt(now), blockedUntil: BigInt(now + waitAfter(rule, failures)) };
    if (!row) {
      const inserted = await db().$executeRaw`
        INSERT INTO "SignInThrottle" ("key", "failures", "lastTryAt", "blockedUntil")
        VALUES (${key}, ${data.failures}, ${data.lastTryAt}, ${data.blockedUntil})
        ON CONFLICT ("key") DO NOTHING`;
      if (inserted === 1) return { ok: true };
    } else {
      const { count } = await db().signInThrottle.updateMany({
        where: { key, failures: row.failures, lastTryAt: row.lastTryAt },
        data,
      });
      if (count === 1) return { ok: true };
    }
  }
  throw new Error(`Could not count a sign-in try for ${key}: too many tries at once.`);
}

/** Takes back a try counted by `claimTry` that turned out not to be a failure. */
async function releaseTry(key: string, rule: ThrottleRule): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const row = await db().signInThrottle.findUnique({ where: { key } });
    if (!row) return;
    const failures = Math.max(0, row.failures - 1);
    const blockedUntil = Math.min(Number(row.blockedUntil), Number(row.lastTryAt) + waitAfter(rule, failures));
    const { count } = await db().signInThrottle.updateMany({
      where: { key, failures: row.failures, lastTryAt: row.lastTryAt },
      data: { failures, blockedUntil: BigInt(blockedUntil) },
    });
    if (count === 1) return;
  }
}

/** A wait in whole seconds under a minute, else in whole minutes, rounded up, for a sentence to word. */
function waitValues(ms: number): { wait: number; waitUnit: "second" | "minute" } {
  if (ms < MINUTE_MS) return { wait: Math.max(1, Math.ceil(ms / 1000)), waitUnit: "second" };
  return { wait: Math.ceil(ms / MINUTE_MS), waitUnit: "minute" };
}

function refusal(of: "account" | "address", rule: ThrottleRule, claim: { failures: number; retryAt: number }, now: number): UserText {
  const values = { whose: of, ...waitValues(claim.retryAt - now) };
  if (claim.failures >= rule.lockAt) {
    return { key: "signInLocked", values: { ...values, failures: claim.failures, lock: Math.ceil(rule.lockMs / MINUTE_MS) } };
  }
  return { key: "signInWait", values };
}

/** The key under which an email's tries are counted, whether or not an account uses it. */
export function accountKey(email: string): string {
  return `account:${normalizeEmail(email).slice(0, 320)}`;
}

/** Forgets an account's failed tries, as a successful sign-in or a new password does. */
export async function forgetFailedSignIns(email: string): Promise<void> {
  await db().signInThrottle.deleteMany({ where: { key: accountKey(email) } });
}

/**
 * Checks an email and password under the sign-in limits: the try is counted for the client
 * address and the account first (an email without an account is counted the same way, so the
 * answers reveal nothing); a try that must wait, or finds the password checks full, is refused
 * with a SignInRefusedError and is not counted. A success forgets the account's failures.
 */
export async function guardedSignIn(
  email: string,
  password: string,
  address: string | null,
  now: number = Date.now(),
): Promise<SessionUser | null> {
  const addressKey = address ? `address:${address}` : null;
  const account = accountKey(email);
  if (addressKey) {
    const claim = await claimTry(addressKey, ADDRESS_RULE, now);
    if (!claim.ok) throw new SignInRefusedError(refusal("address", ADDRESS_RULE, claim, now));
  }
  const releaseAddress = () => (addressKey ? releaseTry(addressKey, ADDRESS_RULE) : Promise.resolve());
  const claim = await claimTry(account, ACCOUNT_RULE, now);
  if (!claim.ok) {
    await releaseAddress();
    throw new SignInRefusedError(refusal("account", ACCOUNT_RULE, claim, now));
  }
  let user: SessionUser | null;
  try {
    user = await authenticate(email, password);
  } catch (error) {
    if (!(error instanceof HashBusyError)) throw error;
    await releaseTry(account, ACCOUNT_RULE);
    await releaseAddress();
    throw new SignInRefusedError({ key: "hashBusy" });
  }
  if (user) {
    await forgetFailedSignIns(email);
    await releaseAddress();
  }
  return user;
}
