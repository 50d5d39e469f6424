"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  addMemberAction,
  changeRoleAction,
  removeMemberAction,
} from "@/app/(console)/channels/[channelId]/actions";
import { RoleBadge } from "@/components/ui/role-badge";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/console/roles";

type Member = { userId: string; email: string; name: string; role: Role };

/** The channel's members; Admins add people by email, change roles and remove members. */
export function RolesTable({
  channelId,
  members,
  canEdit,
  currentUserId,
}: {
  channelId: string;
  members: Member[];
  canEdit: boolean;
  currentUserId: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function run(action: () => Promise<{ ok: true; data: unknown } | { ok: false; error: string }>, done?: (data: unknown) => void) {
    setError(null);
    setNotice(null);
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
            <th>Email address</th>
            <th>Role</th>
            {canEdit && <th aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.userId}>
              <td>
                {member.email}
                {member.userId === currentUserId && <span className="muted"> (you)</span>}
              </td>
              <td>
                {canEdit ? (
                  <select
                    aria-label={`Role of ${member.email}`}
                    value={member.role}
                    disabled={pending}
                    onChange={(event) => run(() => changeRoleAction(channelId, member.userId, event.target.value))}
                    style={{ maxWidth: 160 }}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABELS[role]}
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
                    aria-label={`Remove ${member.email}`}
                    onClick={() => {
                      if (!window.confirm(`Remove ${member.email} from this channel?`)) return;
                      run(() => removeMemberAction(channelId, member.userId));
                    }}
                  >
                    Remove
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
      {canEdit && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const formElement = event.currentTarget;
            const form = new FormData(formElement);
            const input = { email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "") };
            run(
              () => addMemberAction(channelId, input),
              (data) => {
                formElement.reset();
                const created = (data as { createdPassword: string | null }).createdPassword;
                setNotice(
                  created
                    ? `Added ${input.email}. A new account was created; its password is ${created} (shown only now).`
                    : `Added ${input.email}.`,
                );
              },
            );
          }}
        >
          <input name="email" type="email" aria-label="Email address to add" placeholder="Email address" style={{ maxWidth: 280 }} />
          <select name="role" aria-label="Role to give" defaultValue="MEMBER" style={{ maxWidth: 140 }}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
          <button className="button primary" type="submit" disabled={pending}>
            Add member
          </button>
        </form>
      )}
    </div>
  );
}
