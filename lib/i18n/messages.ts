import { createTranslator } from "use-intl/core";
import en from "../../messages/en.json";
import ja from "../../messages/ja.json";
import type { Locale } from "./locales";

/** The catalogue's shape, as English has it: every other language has the same keys. */
export type Messages = typeof en;

/** Every language's catalogue; the type makes a key missing from Japanese a compile error. */
export const CATALOGUES: Record<Locale, Messages> = { en, ja };

/** The console shows every time in UTC+9, as LINE does, whatever the server's zone. */
export const TIME_ZONE = "Asia/Tokyo";

/**
 * A translator for one namespace of `locale`'s catalogue, for code that runs outside a page
 * (the emails the worker sends, errors raised by the domain).
 */
export function translator<Namespace extends keyof Messages>(locale: Locale, namespace: Namespace) {
  return createTranslator({ locale, messages: CATALOGUES[locale], namespace, timeZone: TIME_ZONE });
}
