"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action-result";
import {
  isWebhookSetting,
  reissueChannelSecret,
  setWebhookSetting,
  updateBasicSettings,
  updateWebhookUrl,
  verifyWebhook,
  type BasicSettings,
} from "@/lib/console/channels";
import { InputError } from "@/lib/errors";
import { redeliverEvent } from "@/lib/console/events";
import { addMember, changeRole, removeMember } from "@/lib/console/members";
import { setErrorNotification } from "@/lib/notify/settings";
import { requireUser } from "@/lib/auth/session";
import { createSimulatedUser, sendSimulatedEvent } from "@/lib/console/simulator";
import { issueAccessToken, revokeAccessToken } from "@/lib/console/tokens";

function refresh(channelId: string) {
  revalidatePath(`/channels/${channelId}`, "layout");
}

export async function updateBasicSettingsAction(channelId: string, input: BasicSettings) {
  const user = await requireUser();
  const result = await runAction(() => updateBasicSettings(user.id, channelId, input));
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function reissueChannelSecretAction(channelId: string) {
  const user = await requireUser();
  const result = await runAction(() => reissueChannelSecret(user.id, channelId));
  if (result.ok) refresh(channelId);
  return result;
}

export async function updateWebhookUrlAction(channelId: string, url: string) {
  const user = await requireUser();
  const result = await runAction(() => updateWebhookUrl(user.id, channelId, url));
  if (result.ok) refresh(channelId);
  return result;
}

export async function setWebhookSettingAction(channelId: string, setting: string, value: boolean) {
  const user = await requireUser();
  const result = await runAction(async () => {
    if (!isWebhookSetting(setting) || typeof value !== "boolean") throw new InputError("Unknown setting.");
    await setWebhookSetting(user.id, channelId, setting, value);
    return null;
  });
  if (result.ok) refresh(channelId);
  return result;
}

export async function addMemberAction(channelId: string, input: { email: string; role: string }) {
  const user = await requireUser();
  const result = await runAction(() => addMember(user.id, channelId, input));
  if (result.ok) refresh(channelId);
  return result;
}

export async function changeRoleAction(channelId: string, memberId: string, role: string) {
  const user = await requireUser();
  const result = await runAction(async () => {
    await changeRole(user.id, channelId, memberId, role);
    return null;
  });
  if (result.ok) refresh(channelId);
  return result;
}

export async function removeMemberAction(channelId: string, memberId: string) {
  const user = await requireUser();
  const result = await runAction(async () => {
    await removeMember(user.id, channelId, memberId);
    return null;
  });
  if (result.ok) refresh(channelId);
  return result;
}

export async function verifyWebhookAction(channelId: string) {
  const user = await requireUser();
  const result = await runAction(async () => {
    const check = await verifyWebhook(user.id, channelId);
    return { ...check, timestamp: check.timestamp.toISOString() };
  });
  if (result.ok) revalidatePath(`/channels/${channelId}/log`);
  return result;
}

export async function createSimulatedUserAction(channelId: string, displayName: string) {
  const user = await requireUser();
  const result = await runAction(() => createSimulatedUser(user.id, channelId, displayName));
  if (result.ok) revalidatePath(`/channels/${channelId}/simulator`);
  return result;
}

export async function sendSimulatedEventAction(channelId: string, spec: unknown) {
  const user = await requireUser();
  const result = await runAction(() => sendSimulatedEvent(user.id, channelId, spec));
  if (result.ok) revalidatePath(`/channels/${channelId}/simulator`);
  return result;
}

export async function issueAccessTokenAction(channelId: string, label: string) {
  const user = await requireUser();
  const result = await runAction(async () => {
    if (typeof label !== "string") throw new InputError("The label must be text.");
    return issueAccessToken(user.id, channelId, label);
  });
  if (result.ok) revalidatePath(`/channels/${channelId}/messaging-api`);
  return result;
}

export async function revokeAccessTokenAction(channelId: string, tokenId: string) {
  const user = await requireUser();
  const result = await runAction(async () => {
    if (typeof tokenId !== "string") throw new InputError("Unknown token.");
    await revokeAccessToken(user.id, channelId, tokenId);
    return null;
  });
  if (result.ok) revalidatePath(`/channels/${channelId}/messaging-api`);
  return result;
}

export async function setErrorNotificationAction(channelId: string, value: boolean) {
  const user = await requireUser();
  const result = await runAction(async () => {
    await setErrorNotification(user.id, channelId, value);
    return null;
  });
  if (result.ok) refresh(channelId);
  return result;
}

export async function redeliverEventAction(channelId: string, webhookEventId: string) {
  const user = await requireUser();
  const result = await runAction(async () => {
    await redeliverEvent(user.id, channelId, webhookEventId);
    return null;
  });
  if (result.ok) refresh(channelId);
  return result;
}
