"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { EVENT_KINDS, initialValue, specFor, type KindContext } from "./event-kinds";

/** Every other event the selected user, group or room can send: pick one, fill in its fields, send. */
export function MoreEvents({
  context,
  pending,
  onSend,
}: {
  context: KindContext;
  pending: boolean;
  onSend: (spec: Record<string, unknown>) => void;
}) {
  const t = useTranslations("simulator");
  const kinds = EVENT_KINDS.filter((kind) => kind.chats.includes(context.chat.type));
  const [chosen, setChosen] = useState<string>(kinds[0].id);
  const [values, setValues] = useState<Record<string, string>>({});
  const kind = kinds.find((k) => k.id === chosen) ?? kinds[0];
  // A select's value falls back to its first choice, so that what shows is what is sent.
  const valueOf = (name: string): string => {
    const field = kind.fields.find((f) => f.name === name);
    if (!field) return "";
    const value = values[`${kind.id}.${name}`];
    const options = field.options?.(context, t);
    if (options && !options.some((o) => o.value === value)) return options[0]?.value ?? "";
    return value ?? initialValue(field, t);
  };
  const filled = Object.fromEntries(kind.fields.map((f) => [f.name, valueOf(f.name)]));
  const isComplete = kind.fields.every((f) => f.name === "nonce" || f.name === "title" || filled[f.name] !== "");

  return (
    <form
      className="row"
      aria-label={t("more.aria")}
      onSubmit={(event) => {
        event.preventDefault();
        onSend(specFor(kind, filled, context));
      }}
    >
      <select aria-label={t("more.event")} value={kind.id} onChange={(e) => setChosen(e.target.value)} style={{ maxWidth: 280 }}>
        {kinds.map((k) => (
          <option key={k.id} value={k.id}>
            {t(`kinds.${k.id}`)}
          </option>
        ))}
      </select>
      {kind.fields.map((field) => {
        const key = `${kind.id}.${field.name}`;
        const options = field.options?.(context, t);
        const label = t(`fields.${field.label}`);
        const set = (value: string) => setValues((current) => ({ ...current, [key]: value }));
        return options ? (
          <select key={key} aria-label={label} value={valueOf(field.name)} onChange={(e) => set(e.target.value)} style={{ maxWidth: 260 }}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            key={key}
            type="text"
            aria-label={label}
            placeholder={label}
            value={valueOf(field.name)}
            onChange={(e) => set(e.target.value)}
            style={{ maxWidth: 200 }}
          />
        );
      })}
      <button className="button" type="submit" disabled={pending || !isComplete}>
        {t("more.send")}
      </button>
    </form>
  );
}
