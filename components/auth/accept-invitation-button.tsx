"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/action-result";

/** Accepts an invitation (by its link, or from the Account page) and opens the channel. */
export function AcceptInvitationButton({
  accept,
  label,
  ariaLabel,
}: {
  accept: () => Promise<ActionResult<{ channelId: string }>>;
  label?: string;
  ariaLabel?: string;
}) {
  const t = useTranslations("auth.invite");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="stack">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button
          className="button primary"
          type="button"
          disabled={pending}
          aria-label={ariaLabel}
          onClick={() =>
            startTransition(async () => {
              const result = await accept();
              if (!result.ok) return setError(result.error);
              router.push(`/channels/${result.data.channelId}`);
              router.refresh();
            })
          }
        >
          {label ?? t("accept")}
        </button>
      </div>
    </div>
  );
}
