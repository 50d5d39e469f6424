"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useTransition, type FormEvent } from "react";

/** The filters' values as the form shows them: the URL's own text, blank when unset. */
export type LogFilterValues = {
  webhookEventId: string;
  type: string;
  source: string;
  outcome: string;
  reason: string;
  detail: string;
  status: string;
  kind: string;
  send: string;
  from: string;
  to: string;
  payload: string;
};

/**
 * The Delivery log's filters, kept in the URL so a view can be shared and reloaded. A plain GET
 * form that works without JavaScript; with it, blank fields are left out of the link.
 */
export function LogFilters({
  action,
  values,
  eventTypes,
  reasons,
  details,
}: {
  action: string;
  values: LogFilterValues;
  eventTypes: readonly string[];
  reasons: readonly string[];
  details: readonly string[];
}) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!form.current) return;
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form.current)) {
      if (typeof value === "string" && value.trim() !== "") params.set(key, value);
    }
    const search = params.toString();
    startTransition(() => router.push(search === "" ? action : `${action}?${search}`));
  }

  const text = (name: keyof LogFilterValues, label: string, placeholder: string, wide = false) => (
    <div className={`we-field${wide ? " log-wide" : ""}`}>
      <label className="we-label" htmlFor={`${id}-${name}`}>
        {label}
      </label>
      <input id={`${id}-${name}`} name={name} defaultValue={values[name]} placeholder={placeholder} className="mono" list={name === "detail" ? `${id}-details` : undefined} />
    </div>
  );
  const choice = (name: keyof LogFilterValues, label: string, options: readonly (readonly [string, string])[]) => (
    <div className="we-field">
      <label className="we-label" htmlFor={`${id}-${name}`}>
        {label}
      </label>
      <select id={`${id}-${name}`} name={name} defaultValue={values[name]}>
        <option value="">All</option>
        {options.map(([value, optionLabel]) => (
          <option key={value} value={value}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
  const time = (name: "from" | "to", label: string) => (
    <div className="we-field">
      <label className="we-label" htmlFor={`${id}-${name}`}>
        {label}
      </label>
      <input id={`${id}-${name}`} type="datetime-local" step={1} name={name} defaultValue={values[name]} />
    </div>
  );

  return (
    <form ref={form} method="get" action={action} onSubmit={submit} className="we-filters log-filters" aria-busy={pending} aria-label="Filters">
      <div className="log-filter-grid">
        {text("webhookEventId", "Webhook event ID", "01JD8X5E9Q3M4V0R6T2Y7W1ZAB")}
        {choice("type", "Event type", eventTypes.map((t) => [t, t] as const))}
        {text("source", "Source user or group ID", "U… or C…")}
        {choice("kind", "Kind", [
          ["event", "Webhook"],
          ["verify", "Verify"],
          ["test", "API test"],
        ])}
        {choice("send", "Send", [
          ["first", "First send"],
          ["redelivery", "Redelivery"],
        ])}
        {choice("outcome", "Outcome", [
          ["success", "Success"],
          ["failure", "Failure"],
        ])}
        {choice("reason", "Reason", reasons.map((r) => [r, r] as const))}
        {text("detail", "Detail", "Request timeout, 500…")}
        {text("status", "Status code", "500")}
        {time("from", "From (UTC+9)")}
        {time("to", "To (UTC+9)")}
        {text("payload", "Payload", "events.0.message.text:hello", true)}
      </div>
      <datalist id={`${id}-details`}>
        {details.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
      <div className="log-filter-actions">
        <button className="button primary" type="submit">
          Apply filters
        </button>
        <a className="button" href={action}>
          Clear
        </a>
      </div>
    </form>
  );
}
