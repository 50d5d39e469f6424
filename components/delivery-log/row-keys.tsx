"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

const ROW = "tr[data-href]";

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(target.tagName));
}

/**
 * Keyboard moves through the Delivery log: `j` the next send, `k` the one before, Enter opens the
 * focused one. The focused row is the selection, so it stays put while the live tail adds rows.
 */
export function RowKeys() {
  const router = useRouter();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const rows = [...document.querySelectorAll<HTMLTableRowElement>(ROW)];
      if (rows.length === 0) return;
      const at = rows.findIndex((row) => row === document.activeElement);
      if (event.key === "j" || event.key === "k") {
        event.preventDefault();
        const next = at === -1 ? 0 : Math.min(Math.max(at + (event.key === "j" ? 1 : -1), 0), rows.length - 1);
        rows[next].focus();
        rows[next].scrollIntoView({ block: "nearest" });
      } else if (event.key === "Enter" && at !== -1) {
        const href = rows[at].dataset.href;
        if (!href) return;
        event.preventDefault();
        router.push(href);
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [router]);
  return null;
}
