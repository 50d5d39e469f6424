"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action-result";
import {
  isWebhookSetting,
  reissueChannelSecret,
  setWebhookSetting,
  updateBasicSettings,
  updateWebhookUrl,
  type BasicSettings,
} from "@/lib/channels";
import { InputError } from "@/lib/errors";
import { addMember, changeRole, removeMember } from "@/lib/members";
import { requireUser } from "@/lib/session";

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
