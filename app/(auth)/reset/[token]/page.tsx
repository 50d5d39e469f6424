import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ChoosePasswordForm } from "@/components/auth/choose-password-form";
import { resetPasswordAction } from "@/app/(auth)/actions";
import { describePasswordReset, USED_OR_EXPIRED } from "@/lib/auth/password-resets";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** A reset link made by the operator: its account's owner chooses a new password, once. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const reset = await describePasswordReset(token);
  return (
    <AuthCard title="Choose a new password">
        {reset ? (
          <>
            <p>
              For <strong>{reset.email}</strong>. Every session of this account ends when the new password is saved.
            </p>
            <ChoosePasswordForm email={reset.email} submitLabel="Save and sign in" submit={resetPasswordAction.bind(null, token)} then="/providers" />
          </>
        ) : (
          <>
            <p className="error" role="alert">
              {USED_OR_EXPIRED}
            </p>
            <Link href="/login">Sign in</Link>
          </>
        )}
    </AuthCard>
  );
}
