import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env } from "../env";
import { clientAddress } from "./client-address";
import { localeOfHeaders } from "../i18n/locales";
import { formatUserText } from "../errors";
import { guardedSignIn, SignInRefusedError } from "./sign-in-guard";

/** How long a session lasts, in seconds. */
export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

/**
 * next-auth's configuration: email and password, sessions in a signed, encrypted cookie that
 * carries the account's session version, which the server compares on every request.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: env().authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: {
          email: { label: "Email address", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const headers = req.headers ?? {};
          try {
            return await guardedSignIn(credentials.email, credentials.password, clientAddress(headers, env().trustedProxyHops));
          } catch (error) {
            // A refusal's message reaches the sign-in form, which shows it as it is: in the
            // language of the page it was typed in, as nobody is signed in yet.
            if (error instanceof SignInRefusedError) throw new Error(formatUserText(error.text, localeOfHeaders(headers)));
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.sessionVersion !== undefined) token.sv = user.sessionVersion;
        return token;
      },
      session({ session, token }) {
        if (session.user && token.sub) {
          session.user.id = token.sub;
          session.user.sessionVersion = token.sv;
        }
        return session;
      },
    },
  };
}
