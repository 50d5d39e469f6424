import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../support/app-server";

// A console of its own: these attacks lock out 127.0.0.1, which every other journey signs in from.
const ADMIN = { email: "limits-admin@example.com", password: "limits admin passphrase" };
let app: ConsoleApp;

/** One sign-in through next-auth's own endpoint, as a script would send it: what the form would say. */
async function trySignIn(email: string, password: string, headers: Record<string, string> = {}): Promise<string> {
  const csrf = await fetch(`${app.baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${app.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const { url } = (await res.json()) as { url: string };
  const error = new URL(url).searchParams.get("error");
  return error === null ? "signed in" : error === "CredentialsSignin" ? "wrong" : error;
}

beforeAll(async () => {
  app = await startConsoleApp({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, DISPATCHER: "off" });
});

afterAll(async () => {
  await app?.stop();
});

describe("sign-in limits over HTTP", () => {
  test("a flood of guesses across accounts: a few are checked, a few find the checks full, the rest wait; X-Forwarded-For does not help", async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => trySignIn(`flood-${i}@example.com`, "Winter2026!", { "X-Forwarded-For": `198.51.100.${i}` })),
    );
    const wrong = answers.filter((a) => a === "wrong").length;
    const busy = answers.filter((a) => a.startsWith("The console is checking many passwords at once.")).length;
    const waiting = answers.filter((a) => a.startsWith("Too many failed sign-ins for your network address.")).length;
    expect(wrong + busy + waiting).toBe(40);
    // Each address may fail 20 times before it waits, so at most 20 passwords were checked.
    expect(wrong).toBeLessThanOrEqual(20);
    expect(busy).toBeGreaterThan(0);
    expect(waiting).toBeGreaterThanOrEqual(20);

    // Naming another address in X-Forwarded-For, which no proxy wrote, changes nothing.
    expect(await trySignIn("one-more@example.com", "Winter2026!", { "X-Forwarded-For": "203.0.113.99" })).toMatch(
      /^Too many failed sign-ins for your network address\. Wait \d+ seconds?, then try again\.$/,
    );
    expect(await trySignIn(ADMIN.email, ADMIN.password, { "X-Console-Peer": "203.0.113.100" })).toMatch(/^Too many failed sign-ins/);
  });

  test("a malformed sign-in body is refused without a server error", async () => {
    const res = await fetch(`${app.baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=%ZZ&password=",
    });
    expect(res.status).toBeLessThan(500);
  });
});
