"use server";

import { revalidatePath } from "next/cache";
import { getLocale } from "next-intl/server";
import {
  reissueChannelSecret,
  setWebhookSetting,
  updateBasicSettings,
  updateWebhookUrl,
  verifyWebhook,
  type BasicSettings,
} from "@/lib/console/channels";
import { redeliverEvent } from "@/lib/console/events";
import { changeRole, inviteMember, removeMember, revokeInvitation } from "@/lib/console/members";
import { channelAction } from "@/lib/console/request";
import { createSimulatedGroup, createSimulatedUser, sendSimulatedEvent } from "@/lib/console/simulator";
import { issueAccessToken, revokeAccessToken } from "@/lib/console/tokens";
import { isWebhookSetting } from "@/lib/console/webhook-settings";
import { InputError } from "@/lib/errors";
import { setErrorNotification } from "@/lib/notify/settings";
import { formatUtc9 } from "@/lib/time";

function refresh(channelId: string) {
  return () => revalidatePath(`/channels/${channelId}`, "layout");
}

function refreshPage(channelId: string, tab: string) {
  return () => revalidatePath(`/channels/${channelId}/${tab}`);
}

export async function updateBasicSettingsAction(channelId: string, input: BasicSettings) {
  // The channel's name shows in the provider lists too.
  return channelAction(channelId, (access) => updateBasicSettings(access, input), () => revalidatePath("/", "layout"));
}

export async function reissueChannelSecretAction(channelId: string) {
  return channelAction(channelId, reissueChannelSecret, refresh(channelId));
}

export async function updateWebhookUrlAction(channelId: string, url: string) {
  return channelAction(channelId, (access) => updateWebhookUrl(access, url), refresh(channelId));
}

export async function setWebhookSettingAction(channelId: string, setting: string, value: boolean) {
  return channelAction(
    channelId,
    async (access) => {
      if (!isWebhookSetting(setting) || typeof value !== "boolean") throw new InputError({ key: "unknownSetting" });
      await setWebhookSetting(access, setting, value);
      return null;
    },
    refresh(channelId),
  );
}

export async function inviteMemberAction(channelId: string, input: { email: string; role: string }) {
  return channelAction(
    channelId,
    async (access) => {
      const [invitation, locale] = await Promise.all([inviteMember(access, input), getLocale()]);
      return { email: invitation.email, url: invitation.url, expiresAt: `${formatUtc9(invitation.expiresAt, locale)} (UTC+9)` };
    },
    refresh(channelId),
  );
}

export async function revokeInvitationAction(channelId: string, invitationId: string) {
  return channelAction(
    channelId,
    async (access) => {
      await revokeInvitation(access, invitationId);
      return null;
    },
    refresh(channelId),
  );
}

export async function changeRoleAction(channelId: string, memberId: string, role: string) {
  return channelAction(
    channelId,
    async (access) => {
      await changeRole(access, memberId, role);
      return null;
    },
    refresh(channelId),
  );
}

export async function removeMemberAction(channelId: string, memberId: string) {
  return channelAction(
    channelId,
    async (access) => {
      await removeMember(access, memberId);
      return null;
    },
    refresh(channelId),
  );
}

export async function verifyWebhookAction(channelId: string) {
  return channelAction(
    channelId,
    async (access) => {
      const check = await verifyWebhook(access);
      return { ...check, timestamp: check.timestamp.toISOString() };
    },
    refreshPage(channelId, "log"),
  );
}

export async function createSimulatedUserAction(channelId: string, displayName: string) {
  return channelAction(channelId, (access) => createSimulatedUser(access, displayName), refreshPage(channelId, "simulator"));
}

export async function createSimulatedGroupAction(channelId: string, input: unknown) {
  return channelAction(channelId, (access) => createSimulatedGroup(access, input), refreshPage(channelId, "simulator"));
}

export async function sendSimulatedEventAction(channelId: string, spec: unknown) {
  return channelAction(channelId, (access) => sendSimulatedEvent(access, spec), refreshPage(channelId, "simulator"));
}

export async function issueAccessTokenAction(channelId: string, label: string) {
  return channelAction(
    channelId,
    async (access) => {
      if (typeof label !== "string") throw new InputError({ key: "labelMustBeText" });
      return issueAccessToken(access, label);
    },
    refreshPage(channelId, "messaging-api"),
  );
}

export async function revokeAccessTokenAction(channelId: string, tokenId: string) {
  return channelAction(
    channelId,
    async (access) => {
      if (typeof tokenId !== "string") throw new InputError({ key: "unknownToken" });
      await revokeAccessToken(access, tokenId);
      return null;
    },
    refreshPage(channelId, "messaging-api"),
  );
}

export async function setErrorNotificationAction(channelId: string, value: boolean) {
  return channelAction(
    channelId,
    async (access) => {
      await setErrorNotification(access, value);
      return null;
    },
    refresh(channelId),
  );
}

export async function redeliverEventAction(channelId: string, webhookEventId: string) {
  return channelAction(
    channelId,
    async (access) => {
      await redeliverEvent(access, webhookEventId);
      return null;
    },
    refresh(channelId),
  );
}
