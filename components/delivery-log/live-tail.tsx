"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** How often an open Delivery log looks for new sends. */
const TAIL_INTERVAL_MS = 2000;

/**
 * The live tail of the newest page: it re-renders the list every two seconds, so new sends
 * appear at the top without a reload, until paused. Older pages stay still, for a page that
 * moved under the reader would lose its place.
 */
export function LiveTail({ available }: { available: boolean }) {
  const t = useTranslations("log.tail");
  const router = useRouter();
  const [paused, setPaused] = useState(false);
  const live = available && !paused;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), TAIL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [live, router]);
  if (!available) return null;
  return (
    <div className="log-tail">
      <span className={`log-tail-state${live ? " live" : ""}`} data-testid="live-tail" role="status">
        {live ? t("live") : t("paused")}
      </span>
      <button className="button" type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
        {paused ? t("resume") : t("pause")}
      </button>
    </div>
  );
}
