"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { reissueChannelSecretAction } from "@/app/(console)/channels/[channelId]/actions";

/** The channel secret (shown to Admins only) and its Reissue button. */
export function ChannelSecret({ channelId, secret }: { channelId: string; secret: string }) {
  const t = useTranslations("basic");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <div className="stack">
      <div className="row">
        <span className="mono" data-testid="channel-secret">
          {secret}
        </span>
        <button
          className="button"
          type="button"
          disabled={pending}
          onClick={() => {
            if (!window.confirm(t("reissueConfirm"))) return;
            startTransition(async () => {
              const result = await reissueChannelSecretAction(channelId);
              if (!result.ok) return setError(result.error);
              setError(null);
              router.refresh();
            });
          }}
        >
          {t("reissue")}
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
