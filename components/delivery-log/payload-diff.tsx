"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { diffLines, prettyJson } from "@/lib/console/line-diff";

export type DiffSend = { id: number; label: string; body: string };

/** Two of an event's sends side by side: the lines of the second payload that differ from the first. */
export function PayloadDiff({ sends }: { sends: DiffSend[] }) {
  const t = useTranslations("tools");
  const [from, setFrom] = useState(sends[0]?.id ?? 0);
  const [to, setTo] = useState(sends.at(-1)?.id ?? 0);
  const a = sends.find((s) => s.id === from);
  const b = sends.find((s) => s.id === to);
  const lines = a && b ? diffLines(prettyJson(a.body), prettyJson(b.body)) : null;
  const picker = (label: string, value: number, onChange: (id: number) => void) => (
    <label className="we-field">
      <span className="we-label">{label}</span>
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {sends.map((s) => (
          <option key={s.id} value={s.id}>
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
  const changed = lines?.filter((l) => l.kind !== "same").length ?? 0;
  return (
    <div className="stack">
      <div className="log-filter-actions">
        {picker(t("payloadOf"), from, setFrom)}
        {picker(t("comparedWith"), to, setTo)}
      </div>
      {lines === null ? (
        <p className="muted">{t("tooLong")}</p>
      ) : (
        <>
          <p className="small muted" data-testid="diff-summary">
            {changed === 0 ? t("same") : t("differ", { n: changed })}
          </p>
          <pre className="mono small send-diff" data-testid="payload-diff">
            {lines.map((line, i) => (
              <span key={i} className={`diff-${line.kind}`}>
                {line.kind === "removed" ? "- " : line.kind === "added" ? "+ " : "  "}
                {line.text}
                {"\n"}
              </span>
            ))}
          </pre>
        </>
      )}
    </div>
  );
}
