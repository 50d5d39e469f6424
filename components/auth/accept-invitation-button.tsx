"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { acceptSignedInAction } from "@/app/(auth)/actions";

/** Accepts an invitation as the signed-in user and opens the channel. */
export function AcceptInvitationButton({ secret }: { secret: string }) {
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
      <button
        className="button primary"
        type="button"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acceptSignedInAction(secret);
            if (!result.ok) return setError(result.error);
            router.replace(`/channels/${result.data.channelId}`);
            router.refresh();
          })
        }
      >
        Accept the invitation
      </button>
    </div>
  );
}
