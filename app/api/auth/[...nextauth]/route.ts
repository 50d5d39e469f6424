import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { ApiError, readBodyBytes } from "@/lib/http/api";
import { textResponse } from "@/lib/http/session-route";

// A sign-in form holds an email address, a password and a CSRF token.
const MAX_BODY_BYTES = 16 * 1024;

/**
 * next-auth reads the whole body before it looks at it, so the body is read here first, up to the
 * limit, and next-auth is handed the bytes that were let through.
 */
async function handler(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) {
  if (req.method !== "POST") return NextAuth(authOptions())(req, ctx);
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await readBodyBytes(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof ApiError) return textResponse(error.status, error.message);
    throw error;
  }
  const read = new NextRequest(req.url, { method: req.method, headers: req.headers, body });
  return NextAuth(authOptions())(read, ctx);
}

export { handler as GET, handler as POST };
