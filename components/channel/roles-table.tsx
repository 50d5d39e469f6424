"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  changeRoleAction,
  inviteMemberAction,
  removeMemberAction,
  revokeInvitationAction,
} from "@/app/(console)/channels/[channelId]/actions";
import { RoleBadge } from "@/components/ui/role-badge";
import { ROLES, type Role } from "@/lib/console/roles";

type Member = { userId: string; email: string; name: string; role: Role };
type Invitation = { id: string; email: string; role: Role; invitedBy: string; expiresAt: string };
type CreatedInvitation = { email: string; url: string; expiresAt: string };

/**
 * The channel's members and the invitations not yet accepted; Admins invite people by email,
 * change roles, withdraw invitations and remove members.
 */
export function RolesTable({
  channelId,
  members,
  invitations,
  canEdit,
  currentUserId,
}: {
  channelId: string;
  members: Member[];
  invitations: Invitation[];
  canEdit: boolean;
  currentUserId: string;
}) {
  const t = useTranslations("roles");
  const common = useTranslations("common");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [pending, startTransition] = useTransition();

  function run(action: () => Promise<{ ok: true; data: unknown } | { ok: false; error: string }>, done?: (data: unknown) => void) {
    setError(null);
    setNotice(null);
    setCreated(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) return setError(result.error);
      done?.(result.data);
      router.refresh();
    });
  }

  return (
    <div className="stack">
      <table>
        <thead>
          <tr>
            <th>{t("email")}</th>
            <th>{t("role")}</th>
            {canEdit && <th aria-label={common("actions")} />}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.userId}>
              <td>
                {member.email}
                {member.userId === currentUserId && <span className="muted"> {t("you")}</span>}
              </td>
              <td>
                {canEdit ? (
                  <select
                    aria-label={t("roleOf", { email: member.email })}
                    value={member.role}
                    disabled={pending}
                    onChange={(event) => run(() => changeRoleAction(channelId, member.userId, event.target.value))}
                    style={{ maxWidth: 160 }}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {common(`roles.${role}`)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <RoleBadge role={member.role} />
                )}
              </td>
              {canEdit && (
                <td style={{ textAlign: "right" }}>
                  <button
                    className="button danger"
                    type="button"
                    disabled={pending}
                    aria-label={t("removeAria", { email: member.email })}
                    onClick={() => {
                      if (!window.confirm(t("removeConfirm", { email: member.email }))) return;
                      run(() => removeMemberAction(channelId, member.userId));
                    }}
                  >
                    {t("remove")}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status" data-testid="member-notice">
          {notice}
        </p>
      )}
      {created && (
        <div className="notice stack" role="status" data-testid="invitation-created">
          <p>{t("invited", { email: created.email, until: created.expiresAt })}</p>
          <div className="row">
            <input readOnly value={created.url} aria-label={t("invitationLink")} onFocus={(event) => event.currentTarget.select()} />
            <button className="button" type="button" onClick={() => void navigator.clipboard?.writeText(created.url)}>
              {common("copy")}
            </button>
          </div>
        </div>
      )}
      {canEdit && invitations.length > 0 && (
        <>
          <h3>{t("pending")}</h3>
          <table data-testid="invitations">
            <thead>
              <tr>
                <th>{t("email")}</th>
                <th>{t("role")}</th>
                <th>{t("invitedBy")}</th>
                <th>{t("linkUntil")}</th>
                <th aria-label={common("actions")} />
              </tr>
            </thead>
            <tbody>
              {invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.email}</td>
                  <td>
                    <RoleBadge role={invitation.role} />
                  </td>
                  <td>{invitation.invitedBy}</td>
                  <td>{invitation.expiresAt}</td>
                  <td style={{ textAlign: "right" }}>
                    <button
                      className="button"
                      type="button"
                      disabled={pending}
                      aria-label={t("withdrawAria", { email: invitation.email })}
                      onClick={() => run(() => revokeInvitationAction(channelId, invitation.id))}
                    >
                      {t("withdraw")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {canEdit && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const formElement = event.currentTarget;
            const form = new FormData(formElement);
            const input = { email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "") };
            run(
              () => inviteMemberAction(channelId, input),
              (data) => {
                formElement.reset();
                setCreated(data as CreatedInvitation);
              },
            );
          }}
        >
          <input name="email" type="email" aria-label={t("inviteEmailAria")} placeholder={t("email")} style={{ maxWidth: 280 }} />
          <select name="role" aria-label={t("roleToGive")} defaultValue="MEMBER" style={{ maxWidth: 140 }}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {common(`roles.${role}`)}
              </option>
            ))}
          </select>
          <button className="button primary" type="submit" disabled={pending}>
            {t("invite")}
          </button>
        </form>
      )}
    </div>
  );
}
