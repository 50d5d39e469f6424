import { describe, expect, test } from "vitest";
import { assertCan, can, type ChannelAccess, type ChannelAction } from "@/lib/console/access";
import type { ChannelView } from "@/lib/console/channels";
import { NotFoundError } from "@/lib/errors";
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

function accessAs(role: Role, errorStatisticsAggregation = true): ChannelAccess {
  const channel: ChannelView = {
    id: "1234567890",
    providerId: "p",
    providerName: "Acme",
    name: "Shop bot",
    description: "",
    email: "",
    botUserId: `U${"0".repeat(32)}`,
    channelSecret: null,
    webhookUrl: null,
    useWebhook: true,
    webhookRedelivery: false,
    errorStatisticsAggregation,
    errorNotification: false,
    role,
  };
  return { user: { id: "u", email: "u@example.com", name: "U" }, channel, role };
}

describe("the access rule: one answer per role and action, for every resource", () => {
  test.each<[Role, ChannelAction, boolean, string | null]>([
    ["ADMIN", "read", true, null],
    ["ADMIN", "seeErrors", true, null],
    ["ADMIN", "seeSecret", true, null],
    ["ADMIN", "seeOutbox", true, null],
    ["ADMIN", "manage", true, null],
    ["MEMBER", "read", true, null],
    ["MEMBER", "seeErrors", true, null],
    ["MEMBER", "seeSecret", false, "Only Admins can see the channel secret."],
    ["MEMBER", "seeOutbox", false, "This page does not exist."],
    ["MEMBER", "manage", false, "Only an Admin of this channel can do that."],
    ["TESTER", "read", false, "Only Admins and Members can see this."],
    ["TESTER", "seeErrors", false, "This page does not exist."],
    ["TESTER", "seeSecret", false, "Only Admins can see the channel secret."],
    ["TESTER", "seeOutbox", false, "This page does not exist."],
    ["TESTER", "manage", false, "Only an Admin of this channel can do that."],
  ])("%s, %s: allowed %s", (role, action, allowed, denial) => {
    const access = accessAs(role);
    expect(can(access, action)).toBe(allowed);
    if (allowed) {
      expect(() => assertCan(access, action)).not.toThrow();
    } else {
      // A role too low gets 404, as a non-member does: never a 403.
      expect(() => assertCan(access, action)).toThrow(NotFoundError);
      expect(() => assertCan(access, action)).toThrow(denial!);
    }
  });

  test.each<Role>(["ADMIN", "MEMBER"])("%s may not see Webhook errors while aggregation is off", (role) => {
    expect(() => assertCan(accessAs(role, false), "seeErrors")).toThrow(new NotFoundError("This page does not exist."));
  });
});
