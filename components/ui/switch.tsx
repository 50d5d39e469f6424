"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";

/**
 * An on/off switch whose accessible name is exactly its label, as screen readers and tests
 * find it: role "switch" named "Use webhook", and so on.
 */
export function Switch({
  label,
  checked,
  disabled = false,
  onChange,
}: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  const t = useTranslations("common");
  const id = useId();
  return (
    <div className="switch-row">
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        disabled={disabled}
        onClick={() => onChange(!checked)}
      />
      <span id={`${id}-label`} hidden>
        {label}
      </span>
      <span className="switch-state" aria-hidden="true">
        {checked ? t("on") : t("off")}
      </span>
    </div>
  );
}
