import type { SessionUser } from "../auth/users";
import { NotFoundError } from "../errors";
import type { ChannelView } from "./channels";
import { canManageChannel, canReadSettings, canSeeSecret, canSeeWebhookErrors, type Role } from "./roles";

/**
 * Who is asking about which channel, and their role in it. It is resolved once per request (by
 * `loadChannelPage`, `channelAction` or `sessionRoute`) and handed to every console lib call, which
 * then checks what it needs with `assertCan` instead of reading the role again. Holding one proves
 * membership: a non-member never gets one.
 */
export type ChannelAccess = { user: SessionUser; channel: ChannelView; role: Role };

/** What a member may ask of a channel beyond using it (the Simulator and the Roles list are every member's). */
export type ChannelAction = "read" | "seeErrors" | "seeSecret" | "seeOutbox" | "manage";

// The one access rule, the same for every resource:
// - a non-member gets a NotFoundError (404), always: a channel they may not see does not exist;
// - a member whose role is too low for an action gets a NotFoundError too, never a 403: what a role
//   may not do is not there for it, just as the tabs it lacks are not in its navigation. So pages,
//   internal routes and actions give one answer, and a role never learns more than its tabs show.
//   The message says who may, for the console's actions to show.
const POLICY: Record<ChannelAction, { allows: (access: ChannelAccess) => boolean; denial: string }> = {
  // The settings' values, the delivery log, events and the channel access tokens.
  read: { allows: ({ role }) => canReadSettings(role), denial: "Only Admins and Members can see this." },
  seeErrors: {
    allows: ({ role, channel }) => canSeeWebhookErrors(role, channel.errorStatisticsAggregation),
    denial: "This page does not exist.",
  },
  seeSecret: { allows: ({ role }) => canSeeSecret(role), denial: "Only Admins can see the channel secret." },
  // The Outbox holds the Admins' addresses and the channel's errors: like the settings they guard, it is the Admins'.
  seeOutbox: { allows: ({ role }) => canManageChannel(role), denial: "This page does not exist." },
  manage: { allows: ({ role }) => canManageChannel(role), denial: "Only an Admin of this channel can do that." },
};

/** Whether the caller may do this in the channel. */
export function can(access: ChannelAccess, action: ChannelAction): boolean {
  return POLICY[action].allows(access);
}

/** Throws the rule's NotFoundError unless the caller may do this in the channel. */
export function assertCan(access: ChannelAccess, action: ChannelAction): void {
  if (!can(access, action)) throw new NotFoundError(POLICY[action].denial);
}

