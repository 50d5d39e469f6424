"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createChannelAction } from "@/app/(console)/providers/actions";

export function CreateChannelForm({ providerId }: { providerId: string }) {
  const t = useTranslations("providers");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="stack"
      style={{ maxWidth: 480 }}
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input = {
          name: String(form.get("name") ?? ""),
          description: String(form.get("description") ?? ""),
          email: String(form.get("email") ?? ""),
        };
        startTransition(async () => {
          const result = await createChannelAction(providerId, input);
          if (!result.ok) return setError(result.error);
          router.push(`/channels/${result.data.id}/messaging-api`);
        });
      }}
    >
      <label className="field">
        {t("channelName")}
        <input name="name" type="text" maxLength={20} required />
      </label>
      <label className="field">
        {t("channelDescription")}
        <textarea name="description" rows={2} maxLength={500} />
      </label>
      <label className="field">
        {t("email")}
        <input name="email" type="email" />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button className="button primary" type="submit" disabled={pending}>
          {t("createChannelButton")}
        </button>
      </div>
    </form>
  );
}
