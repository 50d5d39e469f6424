import type { Metadata } from "next";
import Link from "next/link";
import { acceptInvitationAction } from "./actions";
import { AcceptInvitationButton } from "@/components/auth/accept-invitation-button";
import { ChangePasswordForm, SignOutEverywhereButton } from "@/components/auth/account-forms";
import { RoleBadge } from "@/components/ui/role-badge";
import { channelsOf } from "@/lib/auth/account";
import { invitationsFor } from "@/lib/auth/invitations";
import { requireUser } from "@/lib/auth/session";
import { isRole } from "@/lib/console/roles";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Account" };

/** The signed-in user's own account: their channels, invitations waiting for them, password and sessions. */
export default async function AccountPage() {
  const user = await requireUser();
  const [channels, invitations] = await Promise.all([channelsOf(user), invitationsFor(user)]);
  return (
    <div className="stack">
      <h1>Account</h1>
      <section className="card">
        <h2>{user.email}</h2>
        {invitations.length > 0 && (
          <>
            <h3>Invitations waiting for you</h3>
            <table data-testid="my-invitations">
              <thead>
                <tr>
                  <th>Channel</th>
                  <th>Role</th>
                  <th>Invited by</th>
                  <th>Until (UTC+9)</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.channel.name}</td>
                    <td>{isRole(invitation.role) && <RoleBadge role={invitation.role} />}</td>
                    <td>{invitation.invitedBy}</td>
                    <td>{formatUtc9(invitation.expiresAt)}</td>
                    <td style={{ textAlign: "right" }}>
                      <AcceptInvitationButton
                        accept={acceptInvitationAction.bind(null, invitation.id)}
                        label="Accept"
                        ariaLabel={`Accept the invitation to ${invitation.channel.name}`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <h3>Your channels</h3>
        {channels.length === 0 ? (
          <p className="muted">You belong to no channel yet. An Admin of a channel can invite you, or you can create a provider.</p>
        ) : (
          <table data-testid="my-channels">
            <thead>
              <tr>
                <th>Provider</th>
                <th>Channel</th>
                <th>Role</th>
              </tr>
            </thead>
            <tbody>
              {channels.map((channel) => (
                <tr key={channel.channelId}>
                  <td>{channel.providerName}</td>
                  <td>
                    <Link href={`/channels/${channel.channelId}`}>{channel.channelName}</Link>
                  </td>
                  <td>
                    <RoleBadge role={channel.role} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2>Password</h2>
        <ChangePasswordForm email={user.email} />
      </section>
      <section className="card">
        <h2>Sessions</h2>
        <p className="muted">
          Signed in on another computer, or on one you no longer use? End every session of this account but this one.
        </p>
        <SignOutEverywhereButton />
      </section>
    </div>
  );
}
