"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { updateBasicSettingsAction } from "@/app/(console)/channels/[channelId]/actions";

/** Name, description and contact email, editable by Admins. */
export function BasicSettingsForm({
  channelId,
  initial,
  canEdit,
}: {
  channelId: string;
  initial: { name: string; description: string; email: string };
  canEdit: boolean;
}) {
  const t = useTranslations("providers");
  const common = useTranslations("common");
  const basic = useTranslations("basic");
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input = {
          name: String(form.get("name") ?? ""),
          description: String(form.get("description") ?? ""),
          email: String(form.get("email") ?? ""),
        };
        startTransition(async () => {
          const result = await updateBasicSettingsAction(channelId, input);
          setMessage(result.ok ? { ok: true, text: basic("saved") } : { ok: false, text: result.error });
          if (result.ok) router.refresh();
        });
      }}
    >
      <label className="field">
        {t("channelName")}
        <input name="name" type="text" defaultValue={initial.name} maxLength={20} disabled={!canEdit} />
      </label>
      <label className="field">
        {t("channelDescription")}
        <textarea name="description" rows={3} defaultValue={initial.description} disabled={!canEdit} />
      </label>
      <label className="field">
        {t("email")}
        <input name="email" type="email" defaultValue={initial.email} disabled={!canEdit} />
      </label>
      {message && (
        <p className={message.ok ? "notice" : "error"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      )}
      {canEdit && (
        <div>
          <button className="button primary" type="submit" disabled={pending}>
            {common("save")}
          </button>
        </div>
      )}
    </form>
  );
}
