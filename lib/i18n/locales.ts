/** The console's languages: LINE's console comes in English and Japanese. */
export const LOCALES = ["en", "ja"] as const;

export type Locale = (typeof LOCALES)[number];

/** The language of a user who chose none and whose browser asks for neither. */
export const DEFAULT_LOCALE: Locale = "en";

/** The cookie that keeps the language chosen in this browser, signed in or not. */
export const LOCALE_COOKIE = "console-locale";

/** Each language's own name, as the language switch lists it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", ja: "日本語" };

/** Whether `value` names one of the console's languages. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The console's language an `Accept-Language` header prefers most (`ja-JP;q=0.9` counts as
 * `ja`), or null when it names neither. A range of weight 0 is refused, as RFC 9110 says.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  let best: { locale: Locale; weight: number } | null = null;
  for (const part of header.split(",")) {
    const [range, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(weight) || weight <= 0) continue;
    const language = range.trim().toLowerCase().split("-")[0];
    if (isLocale(language) && (best === null || weight > best.weight)) best = { locale: language, weight };
  }
  return best?.locale ?? null;
}

/** The language a request asks for by its headers alone: this browser's cookie, else `Accept-Language`, else English. */
export function localeOfHeaders(headers: Record<string, string | string[] | undefined>): Locale {
  const header = (name: string) => [headers[name] ?? []].flat().join(", ");
  const cookie = header("cookie")
    .split(";")
    .map((part) => part.trim().split("="))
    .find(([name]) => name === LOCALE_COOKIE)?.[1];
  return chooseLocale({ cookie, acceptLanguage: header("accept-language") });
}

/** The language to show: the user's choice, else this browser's cookie, else its `Accept-Language`, else English. */
export function chooseLocale(sources: { chosen?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(sources.chosen)) return sources.chosen;
  if (isLocale(sources.cookie)) return sources.cookie;
  return localeFromAcceptLanguage(sources.acceptLanguage) ?? DEFAULT_LOCALE;
}
