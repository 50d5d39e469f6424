/** A channel member's role, in LINE's words. */
export const ROLES = ["ADMIN", "MEMBER", "TESTER"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Admins change settings, reissue the secret and manage roles. */
export function canManageChannel(role: Role): boolean {
  return role === "ADMIN";
}

/** Testers never see the channel secret. */
export function canSeeSecret(role: Role): boolean {
  return role === "ADMIN";
}

/** Admins and Members read the settings' values and the attempt logs; Testers only use the bot. */
export function canReadSettings(role: Role): boolean {
  return role === "ADMIN" || role === "MEMBER";
}

/** The Webhook errors tab: Admins and Members, and only while aggregation is on. */
export function canSeeWebhookErrors(role: Role, errorStatisticsAggregation: boolean): boolean {
  return canReadSettings(role) && errorStatisticsAggregation;
}

/**
 * Whether a change of roles leaves the channel with at least one Admin.
 * `admins` is the channel's current number of Admins.
 */
export function keepsAnAdmin(admins: number, from: Role, to: Role | null): boolean {
  if (from !== "ADMIN" || to === "ADMIN") return true;
  return admins > 1;
}
