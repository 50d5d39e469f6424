"use client";

import { useTranslations } from "next-intl";
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
  const t = useTranslations("log");
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
        <option value="">{t("filters.all")}</option>
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
    <form ref={form} method="get" action={action} onSubmit={submit} className="we-filters log-filters" aria-busy={pending} aria-label={t("filters.aria")}>
      <div className="log-filter-grid">
        {text("webhookEventId", t("filters.webhookEventId"), "01JD8X5E9Q3M4V0R6T2Y7W1ZAB")}
        {choice("type", t("filters.type"), eventTypes.map((type) => [type, type] as const))}
        {text("source", t("filters.source"), t("filters.sourcePlaceholder"))}
        {choice("kind", t("filters.kind"), [
          ["event", t("kinds.event")],
          ["verify", t("kinds.verify")],
          ["test", t("kinds.test")],
        ])}
        {choice("send", t("filters.send"), [
          ["first", t("sends.first")],
          ["redelivery", t("sends.redelivery")],
        ])}
        {choice("outcome", t("filters.outcome"), [
          ["success", t("outcomes.success")],
          ["failure", t("outcomes.failure")],
        ])}
        {choice("reason", t("filters.reason"), reasons.map((r) => [r, r] as const))}
        {text("detail", t("filters.detail"), t("filters.detailPlaceholder"))}
        {text("status", t("filters.status"), "500")}
        {time("from", t("filters.from"))}
        {time("to", t("filters.to"))}
        {text("payload", t("filters.payload"), "events.0.message.text:hello", true)}
      </div>
      <datalist id={`${id}-details`}>
        {details.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
      <div className="log-filter-actions">
        <button className="button primary" type="submit">
          {t("filters.apply")}
        </button>
        <a className="button" href={action}>
          {t("filters.clear")}
        </a>
      </div>
    </form>
  );
}
