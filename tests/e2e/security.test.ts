import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { encodeCursor } from "@/lib/statistics/search-params";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

// Far more than any endpoint takes, and more than the loopback socket's buffers hold.
const ATTACK_BYTES = 32 * 1024 * 1024;
const PIECE_BYTES = 64 * 1024;

type RawAnswer = { status: number; text: string; sentBytes: number };

/**
 * Sends a request over a plain socket: the head, then up to `bodyBytes` of body, chunked unless the
 * headers declare a Content-Length, and stops sending as soon as an answer's head comes back.
 */
async function rawRequest(method: string, path: string, headers: Record<string, string>, bodyBytes: number): Promise<RawAnswer> {
  const { hostname, port } = new URL(url("/"));
  const socket = connect(Number(port), hostname);
  await once(socket, "connect");
  let received = "";
  let answered = false;
  const answer = new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) {
        answered = true;
        // The body of a short answer comes with its head or just after it.
        setTimeout(resolve, 200);
      }
    });
    socket.on("close", () => resolve());
  });
  // Once the server has answered it may stop reading; what it answered is what counts.
  socket.on("error", () => {});
  const chunked = !Object.keys(headers).some((name) => name.toLowerCase() === "content-length");
  const head = [
    `${method} ${path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ...(chunked ? ["Transfer-Encoding: chunked"] : []),
  ];
  socket.write(`${head.join("\r\n")}\r\n\r\n`);
  const piece = Buffer.alloc(PIECE_BYTES, "a");
  const framed = chunked ? Buffer.concat([Buffer.from(`${PIECE_BYTES.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
  let sentBytes = 0;
  while (!answered && !socket.destroyed && sentBytes < bodyBytes) {
    sentBytes += PIECE_BYTES;
    if (socket.write(framed)) await new Promise((resolve) => setImmediate(resolve));
    else await Promise.race([once(socket, "drain").catch(() => undefined), answer]);
  }
  if (!answered && !socket.destroyed && chunked) socket.write("0\r\n\r\n");
  await Promise.race([answer, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  socket.destroy();
  return { status: Number(received.split(" ")[1]), text: received, sentBytes };
}

async function issueToken(channel: { id: string; channelSecret: string }): Promise<string> {
  const response = await fetch(url("/v2/oauth/accessToken"), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: channel.id, client_secret: channel.channelSecret }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

let token: string;
let browser: Browser;
let page: Page;
let bot: TestBot;
let setup: Awaited<ReturnType<typeof arrange>>;
let channel: { id: string; channelSecret: string };
const pageErrors: string[] = [];

beforeAll(async () => {
  setup = await arrange();
  bot = await startBot();
  channel = await setup.channelFor("Security journey", bot.url, { aggregation: true });
  token = await issueToken(channel);
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

describe("request bodies are limited while they are read", () => {
  test.each([
    ["the token endpoint", "/v2/oauth/accessToken", { "Content-Type": "application/x-www-form-urlencoded" }],
    ["next-auth's sign-in", "/api/auth/callback/credentials", { "Content-Type": "application/x-www-form-urlencoded" }],
  ])("%s answers a never-ending chunked body with 413 long before it ends", async (_name, path, headers) => {
    const answer = await rawRequest("POST", path, headers, ATTACK_BYTES);
    expect(answer.status).toBe(413);
    expect(answer.sentBytes).toBeLessThan(ATTACK_BYTES);
  });

  test("the script endpoint does too, for a token of the channel", async () => {
    const answer = await rawRequest(
      "POST",
      `/api/channels/${channel.id}/events`,
      { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      ATTACK_BYTES,
    );
    expect(answer.status).toBe(413);
    expect(answer.text).toContain("The request body must be at most 1048576 bytes.");
    expect(answer.sentBytes).toBeLessThan(ATTACK_BYTES);
  });

  test("a declared Content-Length over the limit is refused before any of the body is sent", async () => {
    const answer = await rawRequest(
      "PUT",
      "/v2/bot/channel/webhook/endpoint",
      { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Length": String(ATTACK_BYTES) },
      0,
    );
    expect(answer.status).toBe(413);
    expect(answer.text).toMatch(/x-line-request-id: [0-9a-f-]{36}/i);
  });
});

describe("JSON endpoints take JSON only", () => {
  test.each([
    ["text/plain", "text/plain;charset=UTF-8"],
    ["a form", "application/x-www-form-urlencoded"],
  ])("setting the Webhook URL with a body sent as %s is 415 in LINE's shape", async (_name, type) => {
    const response = await fetch(url("/v2/bot/channel/webhook/endpoint"), {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": type },
      body: JSON.stringify({ endpoint: "https://example.com/callback" }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ message: "The request body must be sent as application/json." });
    expect(response.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a body without a Content-Type is 415 too; no body at all still tests the saved URL", async () => {
    const untyped = await fetch(url(`/api/channels/${channel.id}/events`), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      // A Blob without a type makes fetch send no Content-Type.
      body: new Blob([JSON.stringify({ events: [] })]),
    });
    expect(untyped.status).toBe(415);
    const bare = await fetch(url("/v2/bot/channel/webhook/test"), { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    expect(bare.status).toBe(200);
  });
});

describe("pages defend themselves in the browser", () => {
  test("every answer carries the policy headers", async () => {
    for (const path of ["/login", "/providers", "/v2/bot/message/push"]) {
      const response = await fetch(url(path), { redirect: "manual" });
      const policy = response.headers.get("content-security-policy") ?? "";
      expect({ path, policy }).toEqual({ path, policy: expect.stringContaining("frame-ancestors 'none'") });
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("object-src 'none'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
    }
  });

  test("another site cannot frame the console", async () => {
    // A page on another origin (another port) framing the sign-in page, and a page of its own
    // beside it, to show that frames do load there.
    const framer: Server = createServer((req, res) => {
      const html =
        req.url === "/own"
          ? "<button>Framed</button>"
          : `<iframe id="own" src="/own"></iframe><iframe id="console" src="${url("/login")}"></iframe>`;
      res.writeHead(200, { "Content-Type": "text/html" }).end(html);
    });
    await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      await other.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`, { waitUntil: "load" });
      await other.frameLocator("#own").getByRole("button", { name: "Framed" }).waitFor();
      expect(await other.frameLocator("#console").getByRole("button", { name: "Sign in" }).count()).toBe(0);
      expect(await other.frameLocator("#console").getByLabel("Email address").count()).toBe(0);
    } finally {
      await context.close();
      await new Promise<void>((resolve) => framer.close(() => resolve()));
    }
  });

  test("the console works under the policy: its tabs render and act with nothing refused", async () => {
    await visit(page, `/channels/${channel.id}/messaging-api`);
    await page.getByRole("heading", { name: "Webhook settings" }).waitFor();
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByTestId("verify-result").textContent(), { timeout: 10_000 }).toBe("Success");
    await visit(page, `/channels/${channel.id}/webhook-errors`);
    await page.getByRole("heading", { name: "Webhook errors" }).waitFor();
    await visit(page, `/channels/${channel.id}/log`);
    await page.getByTestId("attempt").first().waitFor();
    expect(pageErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  });
});

describe("crafted query values are refused, never a 500", () => {
  test("the live stamp's since beyond the last time a Date holds is 400", async () => {
    for (const since of ["8640000000000001", "9000000000000000"]) {
      const response = await page.request.get(url(`/api/channels/${channel.id}/webhook-errors/stamp?since=${since}`));
      expect({ since, status: response.status() }).toEqual({ since, status: 400 });
    }
  });

  test("a Webhook errors cursor beyond the last time a Date holds gets the tab's notice", async () => {
    const cursor = encodeCursor({ windowStart: 9e15, lastAt: 9e15, reason: "error_status_code", detail: "500" });
    const response = await visit(page, `/channels/${channel.id}/webhook-errors?before=${cursor}`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole("region", { name: "Webhook errors" }).getByRole("alert").textContent()).toContain("The page of rows in this link is not valid.");
  });

  test("a custom range in the year 0099 is refused, not read as 1999", async () => {
    const response = await visit(page, `/channels/${channel.id}/webhook-errors?range=custom&from=0099-01-01T00:00&to=0099-01-02T00:00`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole("region", { name: "Webhook errors" }).getByRole("alert").textContent()).toContain('The start "0099-01-01T00:00" is before 1970');
  });

  test("the Delivery log's before beyond any request ID gets a notice and the newest requests", async () => {
    const response = await visit(page, `/channels/${channel.id}/log?before=99999999999999999999`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole("region", { name: "Delivery log" }).getByRole("alert").textContent()).toContain("This link's page of requests does not exist");
    expect(await page.getByTestId("attempt").count()).toBeGreaterThan(0);
  });
});

describe("Verify is rate-limited like the test endpoint", () => {
  test("once the hour's 60 are used, Verify says so and sends nothing", async () => {
    const { hitRateLimit, RATE_LIMITS } = await import("@/lib/http/rate-limit");
    expect(RATE_LIMITS.webhookVerify).toEqual(RATE_LIMITS.webhookTest);
    // One Verify went out above; use the rest of the hour's allowance.
    while ((await hitRateLimit(channel.id, "webhookVerify")).remaining > 0);
    const sent = bot.received.length;
    await visit(page, `/channels/${channel.id}/messaging-api`);
    await page.getByRole("button", { name: "Verify" }).click();
    const settings = page.getByRole("region", { name: "Webhook settings" });
    await expect.poll(() => settings.getByRole("alert").textContent(), { timeout: 10_000 }).toMatch(/Verify can be used 60 times an hour\. Try again in \d+ min\./);
    expect(bot.received.length).toBe(sent);
  });
});
