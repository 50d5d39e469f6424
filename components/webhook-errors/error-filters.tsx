"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition, type FormEvent } from "react";

type DetailOption = { reason: string; detail: string; errors: number };

export type ErrorFiltersProps = {
  /** The tab's path; the form's values become its search params. */
  action: string;
  presets: { value: string; label: string }[];
  preset: string;
  /** The range's start and end as `YYYY-MM-DDTHH:mm` in UTC+9. */
  from: string;
  to: string;
  reasons: string[];
  reason: string;
  detail: string;
  /** The details seen in the range, and the chosen one, for the detail list. */
  details: DetailOption[];
};

/**
 * The range and the filters, all in the URL so a view can be shared and reloaded. It is a plain GET
 * form that works without JavaScript; with it, a choice applies at once without a full reload.
 */
export function ErrorFilters(props: ErrorFiltersProps) {
  const t = useTranslations("we");
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [preset, setPreset] = useState(props.preset);
  const [reason, setReason] = useState(props.reason);
  const [detail, setDetail] = useState(props.detail);
  const [pending, startTransition] = useTransition();
  const isCustom = preset === "custom";
  const id = useId();

  const options = props.details.filter((d) => !reason || d.reason === reason);
  const groups = reason ? [reason] : props.reasons.filter((r) => options.some((d) => d.reason === r));

  function submit(event?: FormEvent<HTMLFormElement>) {
    event?.preventDefault();
    if (!form.current) return;
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form.current)) {
      if (typeof value === "string" && value !== "") params.set(key, value);
    }
    startTransition(() => router.push(`${props.action}?${params.toString()}`));
  }

  // Changes apply once React has rendered them into the form.
  const submitSoon = () => setTimeout(() => submit(), 0);

  return (
    <form ref={form} method="get" action={props.action} onSubmit={submit} className="we-filters" aria-busy={pending}>
      <div className="we-filter-row">
        <fieldset className="we-segments">
          <legend className="we-label">{t("range")}</legend>
          {[...props.presets, { value: "custom", label: t("custom") }].map((p) => (
            <label key={p.value} className="we-segment">
              <input
                type="radio"
                name="range"
                value={p.value}
                checked={preset === p.value}
                onChange={() => {
                  setPreset(p.value);
                  if (p.value !== "custom") submitSoon();
                }}
              />
              <span>{p.label}</span>
            </label>
          ))}
        </fieldset>
        {isCustom && (
          <div className="we-range-inputs">
            <div className="we-field">
              <label className="we-label" htmlFor={`${id}-from`}>
                {t("from")}
              </label>
              <input id={`${id}-from`} type="datetime-local" name="from" defaultValue={props.from} required />
            </div>
            <div className="we-field">
              <label className="we-label" htmlFor={`${id}-to`}>
                {t("to")}
              </label>
              <input id={`${id}-to`} type="datetime-local" name="to" defaultValue={props.to} required />
            </div>
          </div>
        )}
      </div>
      <div className="we-filter-row">
        <div className="we-field">
          <label className="we-label" htmlFor={`${id}-reason`}>
            {t("reason")}
          </label>
          <select
            id={`${id}-reason`}
            name="reason"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setDetail("");
              if (!isCustom) submitSoon();
            }}
          >
            <option value="">{t("allReasons")}</option>
            {props.reasons.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="we-field">
          <label className="we-label" htmlFor={`${id}-detail`}>
            {t("detail")}
          </label>
          <select
            id={`${id}-detail`}
            name="detail"
            value={detail}
            onChange={(e) => {
              setDetail(e.target.value);
              if (!isCustom) submitSoon();
            }}
          >
            <option value="">{t("allDetails")}</option>
            {groups.map((group) => (
              <optgroup key={group} label={group}>
                {options
                  .filter((d) => d.reason === group)
                  .map((d) => (
                    <option key={d.detail} value={d.detail}>
                      {d.detail}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </div>
        <button className="button" type="submit" disabled={pending}>
          {t("apply")}
        </button>
      </div>
    </form>
  );
}
