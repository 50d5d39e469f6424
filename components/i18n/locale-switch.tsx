"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { chooseLocaleAction } from "@/app/locale-actions";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";

/** The language switch of the header: the page is drawn again in the chosen language at once. */
export function LocaleSwitch() {
  const t = useTranslations("locale");
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <select
      className="locale-switch"
      aria-label={t("label")}
      value={locale}
      disabled={pending}
      onChange={(event) => {
        const chosen = event.target.value;
        startTransition(async () => {
          await chooseLocaleAction(chosen);
          router.refresh();
        });
      }}
    >
      {LOCALES.map((l) => (
        <option key={l} value={l} lang={l}>
          {LOCALE_NAMES[l]}
        </option>
      ))}
    </select>
  );
}
