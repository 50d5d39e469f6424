import { describe, expect, test } from "vitest";
import { HashBusyError, MAX_RUNNING_HASHES, MAX_WAITING_HASHES, hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { createPasswordReset, describePasswordReset, resetPassword } from "@/lib/auth/password-resets";
import { ACCOUNT_RULE, ADDRESS_RULE, guardedSignIn, SignInRefusedError, waitAfter } from "@/lib/auth/sign-in-guard";
import { authenticate, createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";

const T0 = Date.parse("2026-06-01T00:00:00Z");
const PASSWORD = "the right passphrase";

async function tries(email: string, password: string, address: string | null, now: number) {
  try {
    return (await guardedSignIn(email, password, address, now)) ? "signed in" : "wrong";
  } catch (error) {
    if (error instanceof SignInRefusedError) return error.message;
    throw error;
  }
}

describe("failed sign-ins of one account", () => {
  test("the delay grows after five failures, then the account locks; the right password is refused meanwhile", async () => {
    await createUser("guessed@example.com", PASSWORD);
    const answers: string[] = [];
    let now = T0;
    for (let i = 0; i < ACCOUNT_RULE.free; i++) answers.push(await tries("guessed@example.com", `guess ${i}`, null, now++));
    expect(answers).toEqual(Array(ACCOUNT_RULE.free).fill("wrong"));
    // The fifth failure makes the next try wait a second: even the right password is not checked.
    expect(await tries("guessed@example.com", PASSWORD, null, now)).toBe("Too many failed sign-ins for this account. Wait 1 second, then try again.");
    for (let failures = ACCOUNT_RULE.free; failures < ACCOUNT_RULE.lockAt - 1; failures++) {
      now += waitAfter(ACCOUNT_RULE, failures);
      expect(await tries("guessed@example.com", "another guess", null, now)).toBe("wrong");
    }
    now += waitAfter(ACCOUNT_RULE, ACCOUNT_RULE.lockAt - 1);
    expect(await tries("guessed@example.com", "the tenth guess", null, now)).toBe("wrong");
    expect(await tries("guessed@example.com", PASSWORD, null, now + 60_000)).toBe(
      "After 10 failed sign-ins, this account is locked for 15 minutes. Try again in 14 minutes.",
    );
    // Once the lock is over the right password works, and the count starts over.
    expect(await tries("guessed@example.com", PASSWORD, null, now + ACCOUNT_RULE.lockMs)).toBe("signed in");
    expect(await db().signInThrottle.findUnique({ where: { key: "account:guessed@example.com" } })).toBeNull();
  });

  test("a success resets the account's count", async () => {
    await createUser("forgetful@example.com", PASSWORD);
    for (let i = 0; i < ACCOUNT_RULE.free - 1; i++) expect(await tries("forgetful@example.com", "typo", null, T0 + i)).toBe("wrong");
    expect(await tries("Forgetful@Example.com ", PASSWORD, null, T0 + 10)).toBe("signed in");
    for (let i = 0; i < ACCOUNT_RULE.free; i++) expect(await tries("forgetful@example.com", "typo", null, T0 + 20 + i)).toBe("wrong");
  });

  test("an address without an account is answered exactly like one with an account", async () => {
    await createUser("real@example.com", PASSWORD);
    const real: string[] = [];
    const made_up: string[] = [];
    for (let i = 0; i < 8; i++) {
      real.push(await tries("real@example.com", "guess", null, T0 + i));
      made_up.push(await tries("made-up@example.com", "guess", null, T0 + i));
    }
    expect(made_up).toEqual(real);
  });

  test("guesses sent all at once get no more checks than guesses sent one by one", async () => {
    await createUser("flooded@example.com", PASSWORD);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => tries("flooded@example.com", `guess ${i}`, null, T0)));
    expect(answers.filter((a) => a === "wrong")).toHaveLength(ACCOUNT_RULE.free);
    expect(answers.filter((a) => a.startsWith("Too many failed sign-ins"))).toHaveLength(30 - ACCOUNT_RULE.free);
  });
});

describe("failed sign-ins from one address", () => {
  test("guessing across many accounts from one address is slowed, then locked; other addresses are not", async () => {
    let now = T0;
    const answers: string[] = [];
    for (let i = 0; i < ADDRESS_RULE.free; i++) answers.push(await tries(`spray-${i}@example.com`, "Summer2026!", "203.0.113.7", now++));
    expect(new Set(answers)).toEqual(new Set(["wrong"]));
    expect(await tries("spray-next@example.com", "Summer2026!", "203.0.113.7", now)).toBe(
      "Too many failed sign-ins for your network address. Wait 1 second, then try again.",
    );
    expect(await tries("spray-next@example.com", "Summer2026!", "198.51.100.1", now)).toBe("wrong");
    for (let failures = ADDRESS_RULE.free; failures < ADDRESS_RULE.lockAt; failures++) {
      now += waitAfter(ADDRESS_RULE, failures);
      expect(await tries(`spray-late-${failures}@example.com`, "Summer2026!", "203.0.113.7", now)).toBe("wrong");
    }
    expect(await tries("spray-last@example.com", "Summer2026!", "203.0.113.7", now + 1000)).toMatch(
      /^After 40 failed sign-ins, your network address is locked for 15 minutes\. Try again in 15 minutes\.$/,
    );
  });

  test("a refused try of an account is not counted against the address", async () => {
    await createUser("locked-out@example.com", PASSWORD);
    for (let i = 0; i < 12; i++) await tries("locked-out@example.com", "guess", "192.0.2.44", T0);
    const row = await db().signInThrottle.findUniqueOrThrow({ where: { key: "address:192.0.2.44" } });
    expect(row.failures).toBe(ACCOUNT_RULE.free);
  });
});

describe("password checks at once", () => {
  test(`at most ${MAX_RUNNING_HASHES} run and ${MAX_WAITING_HASHES} wait; the rest are refused at once`, async () => {
    const stored = await hashPassword(PASSWORD);
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => verifyPassword(PASSWORD, stored)));
    const refused = outcomes.filter((o) => o.status === "rejected" && o.reason instanceof HashBusyError);
    expect(refused).toHaveLength(40 - MAX_RUNNING_HASHES - MAX_WAITING_HASHES);
    expect(outcomes.filter((o) => o.status === "fulfilled" && o.value === true)).toHaveLength(MAX_RUNNING_HASHES + MAX_WAITING_HASHES);
    // The turns are all handed back: the next check runs.
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });

  test("a sign-in refused for a busy console is not counted as a failure", async () => {
    await createUser("busy@example.com", PASSWORD);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tries(`busy-${i % 2 === 0 ? "a" : "b"}-${i}@example.com`, "guess", `10.9.0.${i}`, T0)),
    );
    const busy = answers.filter((a) => a.startsWith("The console is checking many passwords"));
    expect(busy.length).toBeGreaterThan(0);
    const counted = await db().signInThrottle.findMany({ where: { key: { startsWith: "address:10.9.0." } } });
    expect(counted.reduce((sum, row) => sum + row.failures, 0)).toBe(20 - busy.length);
  });
});

describe("password resets", () => {
  test("a reset link sets a new password once, ends every session and forgets failed sign-ins", async () => {
    const { user } = await createUser("reset@example.com", "the old passphrase");
    for (let i = 0; i < 7; i++) await tries("reset@example.com", "guess", null, Date.now());
    await expect(createPasswordReset("nobody-here@example.com")).rejects.toThrow("No account uses nobody-here@example.com.");
    const older = await createPasswordReset("reset@example.com");
    const { url } = await createPasswordReset("Reset@Example.com");
    const secret = url.slice(url.lastIndexOf("/") + 1);
    expect(await describePasswordReset(older.url.slice(older.url.lastIndexOf("/") + 1))).toBeNull();
    expect(await describePasswordReset(secret)).toEqual({ email: "reset@example.com" });
    await expect(resetPassword(secret, { password: "short", confirmation: "short" })).rejects.toThrow("at least 12 characters");
    expect(await authenticate("reset@example.com", "the old passphrase")).not.toBeNull();
    await resetPassword(secret, { password: "a brand new passphrase", confirmation: "a brand new passphrase" });
    expect(await authenticate("reset@example.com", "the old passphrase")).toBeNull();
    expect(await tries("reset@example.com", "a brand new passphrase", null, Date.now())).toBe("signed in");
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(1);
    await expect(resetPassword(secret, { password: "another new passphrase", confirmation: "another new passphrase" })).rejects.toThrow(
      "expired or was already used",
    );
  });
});
