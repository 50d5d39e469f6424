"use client";

import { useState } from "react";
import { EVENT_KINDS, specFor, type KindContext } from "./event-kinds";

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
  const kinds = EVENT_KINDS.filter((kind) => kind.chats.includes(context.chat.type));
  const [chosen, setChosen] = useState(kinds[0].id);
  const [values, setValues] = useState<Record<string, string>>({});
  const kind = kinds.find((k) => k.id === chosen) ?? kinds[0];
  // A select's value falls back to its first choice, so that what shows is what is sent.
  const valueOf = (name: string): string => {
    const field = kind.fields.find((f) => f.name === name);
    if (!field) return "";
    const value = values[`${kind.id}.${name}`];
    const options = field.options?.(context);
    if (options && !options.some((o) => o.value === value)) return options[0]?.value ?? "";
    return value ?? field.initial;
  };
  const filled = Object.fromEntries(kind.fields.map((f) => [f.name, valueOf(f.name)]));
  const isComplete = kind.fields.every((f) => f.name === "nonce" || f.name === "title" || filled[f.name] !== "");

  return (
    <form
      className="row"
      aria-label="More events"
      onSubmit={(event) => {
        event.preventDefault();
        onSend(specFor(kind, filled, context));
      }}
    >
      <select aria-label="Event" value={kind.id} onChange={(e) => setChosen(e.target.value)} style={{ maxWidth: 280 }}>
        {kinds.map((k) => (
          <option key={k.id} value={k.id}>
            {k.label}
          </option>
        ))}
      </select>
      {kind.fields.map((field) => {
        const key = `${kind.id}.${field.name}`;
        const options = field.options?.(context);
        const set = (value: string) => setValues((current) => ({ ...current, [key]: value }));
        return options ? (
          <select key={key} aria-label={field.label} value={valueOf(field.name)} onChange={(e) => set(e.target.value)} style={{ maxWidth: 260 }}>
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
            aria-label={field.label}
            placeholder={field.label}
            value={valueOf(field.name)}
            onChange={(e) => set(e.target.value)}
            style={{ maxWidth: 200 }}
          />
        );
      })}
      <button className="button" type="submit" disabled={pending || !isComplete}>
        Send event
      </button>
    </form>
  );
}
