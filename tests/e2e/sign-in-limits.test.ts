import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../support/app-server";

// Consoles of their own: these attacks lock out 127.0.0.1, which every other journey signs in from.
const ADMIN = { email: "limits-admin@example.com", password: "limits admin passphrase" };
let direct: ConsoleApp;
let proxied: ConsoleApp;

/** One sign-in through next-auth's own endpoint, as a script would send it: what the form would say. */
async function trySignIn(app: ConsoleApp, email: string, password: string, headers: Record<string, string> = {}): Promise<string> {
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

const ADDRESS_WAIT = /^Too many failed sign-ins for your network address\. Wait \d+ seconds?, then try again\.$/;

beforeAll(async () => {
  const env = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, DISPATCHER: "off" };
  // One reached directly, one as if behind a proxy that appends the client's address.
  [direct, proxied] = await Promise.all([startConsoleApp(env), startConsoleApp({ ...env, TRUSTED_PROXY_HOPS: "1" })]);
});

afterAll(async () => {
  await direct?.stop();
  await proxied?.stop();
});

describe("sign-in limits over HTTP", () => {
  test("guessing across accounts from one address waits after 20 failures, whatever X-Forwarded-For or our own header says", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 21; i++) {
      // A client with no proxy in front names a new address each time, in both headers it could hope we read.
      const spoofed = `203.0.113.${i}`;
      answers.push(await trySignIn(direct, `spray-${i}@example.com`, "Winter2026!", { "X-Forwarded-For": spoofed, "X-Console-Peer": spoofed }));
    }
    expect(answers.slice(0, 20)).toEqual(Array(20).fill("wrong"));
    expect(answers[20]).toMatch(ADDRESS_WAIT);
    // The right password of another account from the same address waits too: it is not checked.
    expect(await trySignIn(direct, ADMIN.email, ADMIN.password)).toMatch(ADDRESS_WAIT);
  });

  test("behind a proxy, each client address is counted apart, and the entries a client wrote before the proxy's count for nothing", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 21; i++) {
      answers.push(await trySignIn(proxied, `behind-${i}@example.com`, "Winter2026!", { "X-Forwarded-For": `10.1.1.${i}, 198.51.100.20` }));
    }
    expect(answers.slice(0, 20)).toEqual(Array(20).fill("wrong"));
    expect(answers[20]).toMatch(ADDRESS_WAIT);
    expect(await trySignIn(proxied, ADMIN.email, ADMIN.password, { "X-Forwarded-For": "198.51.100.21" })).toBe("signed in");
  });

  test("a flood of sign-ins from many addresses finds the password checks full instead of taking the process down", async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        trySignIn(proxied, `flood-${i}@example.com`, "Winter2026!", { "X-Forwarded-For": `100.${64 + (i >> 8)}.${i & 255}.1` }),
      ),
    );
    const busy = answers.filter((a) => a === "The console is checking many passwords at once. Try again in a few seconds.").length;
    expect(answers.filter((a) => a !== "wrong").length).toBe(busy);
    expect(busy).toBeGreaterThan(0);
    // The checks that were let in all finished, and the console signs people in again at once.
    expect(await trySignIn(proxied, ADMIN.email, ADMIN.password, { "X-Forwarded-For": "198.51.100.22" })).toBe("signed in");
  });

  test("a malformed sign-in body is refused without a server error", async () => {
    const res = await fetch(`${direct.baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=%ZZ&password=",
    });
    expect(res.status).toBeLessThan(500);
  });
});
