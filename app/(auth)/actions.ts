"use server";

import { runAction } from "@/lib/action-result";
import { acceptAsSignedIn, acceptWithNewAccount } from "@/lib/auth/invitations";
import { resetPassword } from "@/lib/auth/password-resets";
import { getSessionUser } from "@/lib/auth/session";
import { InputError } from "@/lib/errors";

type PasswordInput = { password: string; confirmation: string };

function passwordInput(input: PasswordInput): PasswordInput {
  return { password: String(input?.password ?? ""), confirmation: String(input?.confirmation ?? "") };
}

/** Creates the invitee's account with the password they chose; they sign in with it next. */
export async function acceptWithPasswordAction(secret: string, input: PasswordInput) {
  return runAction(() => acceptWithNewAccount(String(secret), passwordInput(input)));
}

/** Accepts an invitation as the signed-in user. */
export async function acceptSignedInAction(secret: string) {
  return runAction(async () => {
    const user = await getSessionUser();
    if (!user) throw new InputError({ key: "signInToAccept" });
    return { channelId: await acceptAsSignedIn(String(secret), user) };
  });
}

/** Sets the password a reset link's owner chose. */
export async function resetPasswordAction(secret: string, input: PasswordInput) {
  return runAction(() => resetPassword(String(secret), passwordInput(input)));
}
