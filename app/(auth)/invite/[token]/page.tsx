import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth/auth-card";
import { AcceptInvitationButton } from "@/components/auth/accept-invitation-button";
import { ChoosePasswordForm } from "@/components/auth/choose-password-form";
import { acceptSignedInAction, acceptWithPasswordAction } from "@/app/(auth)/actions";
import { describeInvitation, USED_OR_EXPIRED } from "@/lib/auth/invitations";
import { getSessionUser } from "@/lib/auth/session";
import { formatUtc9 } from "@/lib/time";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.invite"))("title"), referrer: "no-referrer" };
}

/** An invitation's single-use link: choose a password, or accept as the account already signed in. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, t, common, errors, signIn, locale] = await Promise.all([
    describeInvitation(token),
    getTranslations("auth.invite"),
    getTranslations("common"),
    getTranslations("errors"),
    getTranslations("auth.signIn"),
    getLocale(),
  ]);
  if (!invitation) {
    return (
      <AuthCard title={t("title")}>
        <p className="error" role="alert">
          {errors(USED_OR_EXPIRED.key)}
        </p>
        <Link href="/login">{signIn("title")}</Link>
      </AuthCard>
    );
  }
  const user = await getSessionUser();
  const summary = (
    <p>
      {t.rich("summary", {
        invitedBy: invitation.invitedBy,
        email: invitation.email,
        channel: invitation.channelName,
        role: common(`roles.${invitation.role}`),
        until: formatUtc9(invitation.expiresAt, locale),
        strong: (chunks) => <strong>{chunks}</strong>,
      })}
    </p>
  );
  if (!invitation.accountExists) {
    const accept = acceptWithPasswordAction.bind(null, token);
    return (
      <AuthCard title={t("choosePassword")}>
        {summary}
        <ChoosePasswordForm email={invitation.email} submitLabel={t("createAndJoin")} submit={accept} then="/providers" />
      </AuthCard>
    );
  }
  if (user && user.email === invitation.email) {
    return (
      <AuthCard title={t("join")}>
        {summary}
        <AcceptInvitationButton accept={acceptSignedInAction.bind(null, token)} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("join")}>
      {summary}
      <p>
        {user
          ? t("signedInAsOther", { email: user.email, invited: invitation.email })
          : t("hasAccount", { invited: invitation.email })}
      </p>
      {!user && (
        <Link className="button primary" href={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>
          {signIn("title")}
        </Link>
      )}
    </AuthCard>
  );
}
