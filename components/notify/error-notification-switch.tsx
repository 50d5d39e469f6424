"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { setErrorNotificationAction } from "@/app/(console)/channels/[channelId]/actions";
import { Switch } from "@/components/ui/switch";

/** The "Error notification" switch of Basic settings; only Admins can change it. */
export function ErrorNotificationSwitch({
  channelId,
  initial,
  canEdit,
}: {
  channelId: string;
  initial: boolean;
  canEdit: boolean;
}) {
  const t = useTranslations("basic");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // The switch answers at once; the server's answer confirms or rolls back.
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);

  function toggle(next: boolean) {
    setOptimistic(next);
    setError(null);
    startTransition(async () => {
      const result = await setErrorNotificationAction(channelId, next);
      if (!result.ok) setError(result.error);
      router.refresh();
      setOptimistic(null);
    });
  }

  return (
    <div className="stack">
      <Switch label={t("errorNotification")} checked={optimistic ?? initial} disabled={!canEdit || pending} onChange={toggle} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
