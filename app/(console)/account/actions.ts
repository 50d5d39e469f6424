"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action-result";
import { changePassword, signOutEverywhereElse } from "@/lib/auth/account";
import { acceptById } from "@/lib/auth/invitations";
import { requireUser } from "@/lib/auth/session";

/** Changes the signed-in user's password; their other sessions end. */
export async function changePasswordAction(input: { current: string; password: string; confirmation: string }) {
  const user = await requireUser();
  return runAction(async () => {
    await changePassword(user, {
      current: String(input?.current ?? ""),
      password: String(input?.password ?? ""),
      confirmation: String(input?.confirmation ?? ""),
    });
    return null;
  });
}

/** Ends every other session of the signed-in user. */
export async function signOutEverywhereAction() {
  const user = await requireUser();
  return runAction(async () => {
    await signOutEverywhereElse(user);
    return null;
  });
}

/** Accepts an invitation to the signed-in user's address from the Account page. */
export async function acceptInvitationAction(invitationId: string) {
  const user = await requireUser();
  const result = await runAction(async () => ({ channelId: await acceptById(String(invitationId), user) }));
  if (result.ok) revalidatePath("/", "layout");
  return result;
}
