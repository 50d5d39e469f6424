"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { redeliverEventAction } from "@/app/(console)/channels/[channelId]/actions";

/** Sends a failed event again, as a redelivery (Admins). */
export function RedeliverButton({ channelId, webhookEventId, label }: { channelId: string; webhookEventId: string; label?: string }) {
  const t = useTranslations("delivery");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="stack">
      <div>
        <button
          className="button primary"
          type="button"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              const result = await redeliverEventAction(channelId, webhookEventId);
              if (!result.ok) return setError(result.error);
              setError(null);
              router.refresh();
            })
          }
        >
          {label ?? t("redeliver")}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
