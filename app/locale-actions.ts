"use server";

import { cookies } from "next/headers";
import { saveLocale } from "@/lib/auth/account";
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/locales";

const ONE_YEAR_S = 365 * 24 * 60 * 60;

/**
 * Switches the console's language: for this browser (a cookie, which also serves the pages
 * before sign-in) and, when signed in, for the account, which its emails follow too.
 */
export async function chooseLocaleAction(locale: string): Promise<void> {
  if (!isLocale(locale)) return;
  const jar = await cookies();
  jar.set(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", httpOnly: true, secure: env().secureCookies, maxAge: ONE_YEAR_S });
  const user = await getSessionUser();
  if (user) await saveLocale(user, locale);
}
