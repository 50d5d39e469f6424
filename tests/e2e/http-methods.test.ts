import { describe, expect, test } from "vitest";
import { url } from "./browser";

const REQUEST_ID = /^[0-9a-f-]{36}$/;

async function send(method: string, path: string) {
  const response = await fetch(url(path), { method });
  return { status: response.status, allow: response.headers.get("allow"), requestId: response.headers.get("x-line-request-id") };
}

describe("HEAD and OPTIONS on the API", () => {
  test("OPTIONS lists exactly the methods each route answers, with a request ID", async () => {
    for (const [path, allow] of [
      ["/v2/bot/channel/webhook/endpoint", "GET, PUT, HEAD, OPTIONS"],
      ["/v2/bot/channel/webhook/test", "POST, OPTIONS"],
      ["/v2/oauth/accessToken", "POST, OPTIONS"],
      ["/api/channels/1234567890/events", "POST, OPTIONS"],
    ]) {
      const response = await send("OPTIONS", path);
      expect({ path, status: response.status, allow: response.allow }).toEqual({ path, status: 204, allow });
      expect(response.requestId).toMatch(REQUEST_ID);
    }
  });

  test("HEAD is answered as GET is where there is a GET, and 405 elsewhere, always with a request ID", async () => {
    // No token: GET's 401, without the body.
    expect(await send("HEAD", "/v2/bot/channel/webhook/endpoint")).toMatchObject({ status: 401, requestId: expect.stringMatching(REQUEST_ID) });
    for (const path of ["/v2/bot/channel/webhook/test", "/v2/oauth/accessToken", "/api/channels/1234567890/events"]) {
      const response = await send("HEAD", path);
      expect({ path, status: response.status, allow: response.allow }).toEqual({ path, status: 405, allow: "POST, OPTIONS" });
      expect(response.requestId).toMatch(REQUEST_ID);
    }
  });

  test("an API the console does not have is LINE's 404 for every method", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "POST"]) {
      const response = await send(method, "/v2/bot/richmenu/list");
      expect({ method, status: response.status }).toEqual({ method, status: 404 });
      expect(response.requestId).toMatch(REQUEST_ID);
    }
  });
});
