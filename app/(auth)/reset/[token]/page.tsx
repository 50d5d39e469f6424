import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth/auth-card";
import { ChoosePasswordForm } from "@/components/auth/choose-password-form";
import { resetPasswordAction } from "@/app/(auth)/actions";
import { describePasswordReset, USED_OR_EXPIRED } from "@/lib/auth/password-resets";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.reset"))("title"), referrer: "no-referrer" };
}

/** A reset link made by the operator: its account's owner chooses a new password, once. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [reset, t, errors, signIn] = await Promise.all([
    describePasswordReset(token),
    getTranslations("auth.reset"),
    getTranslations("errors"),
    getTranslations("auth.signIn"),
  ]);
  return (
    <AuthCard title={t("title")}>
        {reset ? (
          <>
            <p>{t.rich("for", { email: reset.email, strong: (chunks) => <strong>{chunks}</strong> })}</p>
            <ChoosePasswordForm email={reset.email} submitLabel={t("submit")} submit={resetPasswordAction.bind(null, token)} then="/providers" />
          </>
        ) : (
          <>
            <p className="error" role="alert">
              {errors(USED_OR_EXPIRED.key)}
            </p>
            <Link href="/login">{signIn("title")}</Link>
          </>
        )}
    </AuthCard>
  );
}
