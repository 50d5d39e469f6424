import "server-only";
import { getServerSession } from "next-auth";
import { cookies, headers } from "next/headers";
import { authOptions } from "../auth/options";
import { db } from "../db";
import { storageFailure } from "../errors";
import { chooseLocale, LOCALE_COOKIE, type Locale } from "./locales";

/**
 * The language the signed-in user chose on their Account page, or null. A database out of reach
 * must not stop a page from showing its own error, so the browser's choice is used then.
 */
async function chosenBySignedInUser(): Promise<string | null> {
  try {
    const session = await getServerSession(authOptions());
    const signedIn = session?.user;
    if (!signedIn?.id) return null;
    const user = await db().user.findUnique({ where: { id: signedIn.id }, select: { locale: true, sessionVersion: true } });
    return user && user.sessionVersion === signedIn.sessionVersion ? user.locale : null;
  } catch (error) {
    if (storageFailure(error)) return null;
    throw error;
  }
}

/** This request's language: the user's choice, else this browser's cookie, else its `Accept-Language`, else English. */
export async function requestLocale(): Promise<Locale> {
  const [chosen, jar, head] = await Promise.all([chosenBySignedInUser(), cookies(), headers()]);
  return chooseLocale({ chosen, cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: head.get("accept-language") });
}
