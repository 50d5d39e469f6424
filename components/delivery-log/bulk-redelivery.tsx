"use client";

import { useEffect, useState, useTransition } from "react";
import {
  bulkRedeliveryProgressAction,
  previewBulkRedeliveryAction,
  startBulkRedeliveryAction,
} from "@/app/(console)/channels/[channelId]/log/actions";

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

const NUMBER = new Intl.NumberFormat("en-US");

/** An ISO time as `YYYY-MM-DD HH:mm:ss` in UTC+9, by offset arithmetic. */
function utc9(iso: string): string {
  return new Date(Date.parse(iso) + 9 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * Redeliver in bulk (Admins): the failed events behind the Delivery log's current filter, shown
 * first (how many, by reason and detail, from when to when, how many reply tokens are stale),
 * then queued as redeliveries in order, with their progress.
 */
export function BulkRedelivery({ channelId, search }: { channelId: string; search: string }) {
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
      <summary>Redeliver in bulk</summary>
      <div className="stack">
        <p className="small muted">
          Takes the failed events behind this filter&apos;s failed event sends and sends each again as LINE redelivers it (same
          webhookEventId, isRedelivery true), in the order they arrived. At most 10,000 events a run.
        </p>
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
            Preview
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
              <p className="muted">No failed event matches this filter: nothing to redeliver.</p>
            ) : (
              <>
                <p data-testid="bulk-summary">
                  {NUMBER.format(preview.events)} {preview.events === 1 ? "event" : "events"}, failed from {utc9(preview.firstAt!)} to{" "}
                  {utc9(preview.lastAt!)} (UTC+9); {NUMBER.format(preview.staleReplyTokens)} with a reply token too old to reply with.
                </p>
                <ul className="small">
                  {preview.byFailure.map((f) => (
                    <li key={`${f.reason}/${f.detail}`}>
                      <span className="mono">
                        {f.reason} · {f.detail}
                      </span>
                      : {NUMBER.format(f.events)}
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
                    Queue {NUMBER.format(preview.events)} {preview.events === 1 ? "redelivery" : "redeliveries"}
                  </button>
                )}
              </>
            )}
          </div>
        )}
        {queued && (
          <p data-testid="bulk-progress" role="status">
            Queued {NUMBER.format(queued.count)}.{" "}
            {progress && `${NUMBER.format(progress.delivered)} delivered, ${NUMBER.format(progress.failed)} failed again, ${NUMBER.format(progress.waiting)} waiting.`}
          </p>
        )}
      </div>
    </details>
  );
}
