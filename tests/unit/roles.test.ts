import { describe, expect, test } from "vitest";
import {
  canManageChannel,
  canReadSettings,
  canSeeSecret,
  canSeeWebhookErrors,
  keepsAnAdmin,
  type Role,
} from "@/lib/console/roles";

describe("what each role may do", () => {
  test.each([
    ["ADMIN", true, true, true],
    ["MEMBER", false, false, true],
    ["TESTER", false, false, false],
  ] as const)("%s: manage %s, see secret %s, read settings %s", (role, manage, secret, read) => {
    expect(canManageChannel(role)).toBe(manage);
    expect(canSeeSecret(role)).toBe(secret);
    expect(canReadSettings(role)).toBe(read);
  });

  test.each([
    ["ADMIN", true, true],
    ["MEMBER", true, true],
    ["TESTER", true, false],
    ["ADMIN", false, false],
    ["MEMBER", false, false],
  ] as const)("Webhook errors tab for %s with aggregation %s: %s", (role, on, shown) => {
    expect(canSeeWebhookErrors(role, on)).toBe(shown);
  });
});

describe("keepsAnAdmin", () => {
  test.each<[number, Role, Role | null, boolean]>([
    [1, "ADMIN", "MEMBER", false],
    [1, "ADMIN", "TESTER", false],
    [1, "ADMIN", null, false],
    [1, "ADMIN", "ADMIN", true],
    [2, "ADMIN", "MEMBER", true],
    [2, "ADMIN", null, true],
    [1, "MEMBER", null, true],
    [1, "TESTER", "ADMIN", true],
  ])("%i admins, %s → %s: %s", (admins, from, to, expected) => {
    expect(keepsAnAdmin(admins, from, to)).toBe(expected);
  });
});
