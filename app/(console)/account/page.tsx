import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { acceptInvitationAction } from "./actions";
import { AcceptInvitationButton } from "@/components/auth/accept-invitation-button";
import { ChangePasswordForm, SignOutEverywhereButton } from "@/components/auth/account-forms";
import { LocaleSwitch } from "@/components/i18n/locale-switch";
import { RoleBadge } from "@/components/ui/role-badge";
import { channelsOf } from "@/lib/auth/account";
import { invitationsFor } from "@/lib/auth/invitations";
import { requireUser } from "@/lib/auth/session";
import { isRole } from "@/lib/console/roles";
import { formatUtc9 } from "@/lib/time";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("account"))("title") };
}

/** The signed-in user's own account: their channels, invitations waiting for them, password and sessions. */
export default async function AccountPage() {
  const user = await requireUser();
  const [channels, invitations, t, locale] = await Promise.all([channelsOf(user), invitationsFor(user), getTranslations(), getLocale()]);
  return (
    <div className="stack">
      <h1>{t("account.title")}</h1>
      <section className="card">
        <h2>{user.email}</h2>
        {invitations.length > 0 && (
          <>
            <h3>{t("account.invitations")}</h3>
            <table data-testid="my-invitations">
              <thead>
                <tr>
                  <th>{t("account.channel")}</th>
                  <th>{t("account.role")}</th>
                  <th>{t("account.invitedBy")}</th>
                  <th>{t("account.until")}</th>
                  <th aria-label={t("common.actions")} />
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.channel.name}</td>
                    <td>{isRole(invitation.role) && <RoleBadge role={invitation.role} />}</td>
                    <td>{invitation.invitedBy}</td>
                    <td>{formatUtc9(invitation.expiresAt, locale)}</td>
                    <td style={{ textAlign: "right" }}>
                      <AcceptInvitationButton
                        accept={acceptInvitationAction.bind(null, invitation.id)}
                        label={t("account.accept")}
                        ariaLabel={t("account.acceptAria", { channel: invitation.channel.name })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <h3>{t("account.yourChannels")}</h3>
        {channels.length === 0 ? (
          <p className="muted">{t("account.noChannels")}</p>
        ) : (
          <table data-testid="my-channels">
            <thead>
              <tr>
                <th>{t("account.provider")}</th>
                <th>{t("account.channel")}</th>
                <th>{t("account.role")}</th>
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
        <h2>{t("locale.label")}</h2>
        <p className="muted">{t("locale.accountHint")}</p>
        <div>
          <LocaleSwitch />
        </div>
      </section>
      <section className="card">
        <h2>{t("account.password")}</h2>
        <ChangePasswordForm email={user.email} />
      </section>
      <section className="card">
        <h2>{t("account.sessions")}</h2>
        <p className="muted">{t("account.sessionsHint")}</p>
        <SignOutEverywhereButton />
      </section>
    </div>
  );
}
