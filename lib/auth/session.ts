import "server-only";
import { getServerSession } from "next-auth";
import { decode, encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { authOptions, SESSION_MAX_AGE_S } from "./options";
import { db } from "../db";
import { env } from "../env";
import type { SessionUser } from "./users";

/**
 * The signed-in user, or null. A session whose account was deleted, or that began before the
 * account's sessions were ended (a new password, "Sign out everywhere"), counts as signed out.
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  const version = session?.user?.sessionVersion;
  if (!id || version === undefined) return null;
  const user = await db().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, sessionVersion: true },
  });
  if (!user || user.sessionVersion !== version) return null;
  return { id: user.id, email: user.email, name: user.name };
}

/** The signed-in user; sends everyone else to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  return user;
}

/** next-auth's session cookie, named as next-auth names it for this console's address. */
function sessionCookie(): { name: string; secure: boolean } {
  const secure = env().secureCookies;
  return { name: `${secure ? "__Secure-" : ""}next-auth.session-token`, secure };
}

/**
 * Rewrites this request's session cookie to carry `sessionVersion`, so that the session that
 * ended all the others (by raising the account's version) goes on. Only from a server action.
 */
export async function keepThisSession(sessionVersion: number): Promise<void> {
  const jar = await cookies();
  const { name, secure } = sessionCookie();
  const current = jar.get(name)?.value;
  if (!current) return;
  const secret = env().authSecret;
  const token = await decode({ token: current, secret });
  if (!token) return;
  const value = await encode({ token: { ...token, sv: sessionVersion }, secret, maxAge: SESSION_MAX_AGE_S });
  jar.set(name, value, { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge: SESSION_MAX_AGE_S });
}
