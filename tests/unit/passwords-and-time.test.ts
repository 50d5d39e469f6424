import { describe, expect, test } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { formatUtc9 } from "@/lib/time";

describe("passwords", () => {
  test("a hash verifies its own password only, and never contains it", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horse ", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  test("the same password hashes differently each time (salted)", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  test("a malformed stored hash never verifies", async () => {
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });

  test("generated passwords are 4 groups of 4 unambiguous characters", () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(p).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
  });
});

describe("formatUtc9", () => {
  test.each([
    ["2026-11-23T14:59:59.000Z", "2026-11-23 23:59:59"],
    ["2026-11-23T15:00:00.000Z", "2026-11-24 00:00:00"],
    ["2026-12-31T15:00:00.000Z", "2027-01-01 00:00:00"],
    ["2024-02-28T15:30:00.000Z", "2024-02-29 00:30:00"],
  ])("%s is %s in UTC+9", (iso, expected) => {
    expect(formatUtc9(new Date(iso))).toBe(expected);
  });
});
