"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState, useTransition } from "react";
import {
  bulkRedeliveryProgressAction,
  previewBulkRedeliveryAction,
  startBulkRedeliveryAction,
} from "@/app/(console)/channels/[channelId]/log/actions";
import { formatUtc9 } from "@/lib/time";

type Preview = {
  events: number;
  byFailure: { reason: string; detail: string; events: number }[];
  firstAt: string | null;
  lastAt: string | null;
  staleReplyTokens: number;
  refusal: string | null;
  webhookEventIds: string[];
};

type Progress = { waiting: number; delivered: number; failed: number };


/**
 * Redeliver in bulk (Admins): the failed events behind the Delivery log's current filter, shown
 * first (how many, by reason and detail, from when to when, how many reply tokens are stale),
 * then queued as redeliveries in order, with their progress.
 */
export function BulkRedelivery({ channelId, search }: { channelId: string; search: string }) {
  const t = useTranslations("bulk");
  const locale = useLocale();
  const number = new Intl.NumberFormat(locale);
  const utc9 = (iso: string) => formatUtc9(new Date(iso), locale);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [queued, setQueued] = useState<{ ids: string[]; count: number } | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (!queued) return;
    let stopped = false;
    const look = async () => {
      const result = await bulkRedeliveryProgressAction(channelId, queued.ids);
      if (!stopped && result.ok) setProgress(result.data);
    };
    void look();
    const timer = setInterval(look, 1500);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [channelId, queued]);

  return (
    <details className="bulk-redelivery" data-testid="bulk-redelivery">
      <summary>{t("title")}</summary>
      <div className="stack">
        <p className="small muted">{t("help")}</p>
        <div>
          <button
            className="button"
            type="button"
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const result = await previewBulkRedeliveryAction(channelId, search);
                setQueued(null);
                setProgress(null);
                if (!result.ok) {
                  setPreview(null);
                  return setError(result.error);
                }
                setError(null);
                setPreview(result.data);
              })
            }
          >
            {t("preview")}
          </button>
        </div>
        {error && (
          <p className="error" role="alert" data-testid="bulk-error">
            {error}
          </p>
        )}
        {preview && (
          <div data-testid="bulk-preview">
            {preview.refusal !== null ? (
              <p className="error" role="alert">
                {preview.refusal}
              </p>
            ) : preview.events === 0 ? (
              <p className="muted">{t("nothing")}</p>
            ) : (
              <>
                <p data-testid="bulk-summary">
                  {t("summary", { events: preview.events, from: utc9(preview.firstAt!), to: utc9(preview.lastAt!), stale: preview.staleReplyTokens })}
                </p>
                <ul className="small">
                  {preview.byFailure.map((f) => (
                    <li key={`${f.reason}/${f.detail}`}>
                      <span className="mono">
                        {f.reason} · {f.detail}
                      </span>
                      : {number.format(f.events)}
                    </li>
                  ))}
                </ul>
                {!queued && (
                  <button
                    className="button primary"
                    type="button"
                    disabled={pending}
                    onClick={() =>
                      startTransition(async () => {
                        const result = await startBulkRedeliveryAction(channelId, preview.webhookEventIds);
                        if (!result.ok) return setError(result.error);
                        setError(null);
                        setQueued({ ids: preview.webhookEventIds, count: result.data });
                      })
                    }
                  >
                    {t("queue", { events: preview.events })}
                  </button>
                )}
              </>
            )}
          </div>
        )}
        {queued && (
          <p data-testid="bulk-progress" role="status">
            {t("queued", { count: queued.count })} {progress && t("progress", progress)}
          </p>
        )}
      </div>
    </details>
  );
}
