import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { AcceptInvitationButton } from "@/components/auth/accept-invitation-button";
import { ChoosePasswordForm } from "@/components/auth/choose-password-form";
import { acceptSignedInAction, acceptWithPasswordAction } from "@/app/(auth)/actions";
import { describeInvitation, USED_OR_EXPIRED } from "@/lib/auth/invitations";
import { getSessionUser } from "@/lib/auth/session";
import { ROLE_LABELS } from "@/lib/console/roles";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

/** An invitation's single-use link: choose a password, or accept as the account already signed in. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await describeInvitation(token);
  if (!invitation) {
    return (
      <AuthCard title="Invitation">
        <p className="error" role="alert">
          {USED_OR_EXPIRED}
        </p>
        <Link href="/login">Sign in</Link>
      </AuthCard>
    );
  }
  const user = await getSessionUser();
  const summary = (
    <p>
      {invitation.invitedBy} invited <strong>{invitation.email}</strong> to the channel{" "}
      <strong>{invitation.channelName}</strong> as {ROLE_LABELS[invitation.role]}. The link works once, until{" "}
      {formatUtc9(invitation.expiresAt)} (UTC+9).
    </p>
  );
  if (!invitation.accountExists) {
    const accept = acceptWithPasswordAction.bind(null, token);
    return (
      <AuthCard title="Choose your password">
        {summary}
        <ChoosePasswordForm email={invitation.email} submitLabel="Create account and join" submit={accept} then="/providers" />
      </AuthCard>
    );
  }
  if (user && user.email === invitation.email) {
    return (
      <AuthCard title="Join the channel">
        {summary}
        <AcceptInvitationButton accept={acceptSignedInAction.bind(null, token)} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Join the channel">
      {summary}
      <p>
        {user
          ? `You are signed in as ${user.email}. Sign out, then sign in as ${invitation.email} and open this link again.`
          : `${invitation.email} has an account: sign in with it, then open this link again, or accept the invitation on your Account page.`}
      </p>
      {!user && (
        <Link className="button primary" href={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>
          Sign in
        </Link>
      )}
    </AuthCard>
  );
}
