"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Keeps the open tab current: polls a small endpoint for a stamp of the latest errors and
 * re-renders the page's server components only when the stamp changes.
 */
export function LiveUpdates({ stampUrl, stamp, intervalMs = 3000 }: { stampUrl: string; stamp: string; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    let stopped = false;
    // The stamp this render shows; a refresh brings a new render with the new stamp.
    let known = stamp;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function check() {
      // A hidden tab waits; it checks again as soon as it is shown.
      if (document.visibilityState === "visible") {
        try {
          const response = await fetch(stampUrl, { cache: "no-store" });
          if (response.ok) {
            const body = (await response.json()) as { stamp?: string };
            if (!stopped && body.stamp !== undefined && body.stamp !== known) {
              known = body.stamp;
              router.refresh();
            }
          }
        } catch {
          // Offline or restarting: the next poll tries again.
        }
      }
      if (!stopped) timer = setTimeout(check, intervalMs);
    }
    timer = setTimeout(check, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [stampUrl, stamp, intervalMs, router]);
  return null;
}
