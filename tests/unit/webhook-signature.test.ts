import { validateSignature } from "@line/bot-sdk";
import { describe, expect, test } from "vitest";
import { signBody } from "@/lib/webhook/signature";

const SECRET = "8c570fa6dd201bb328f1c1eac23a96d8";
const BODY = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';

describe("signBody", () => {
  test("matches LINE's test vector (docs/line-behaviour.md#signature)", () => {
    expect(signBody(SECRET, BODY)).toBe("GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=");
  });

  test("signs text beyond ASCII as the UTF-8 bytes a bot receives and checks", () => {
    const body = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[{"text":"こんにちは 👋"}]}';
    const received = Buffer.from(body, "utf8");
    expect(validateSignature(received, SECRET, signBody(SECRET, body))).toBe(true);
    expect(validateSignature(received, SECRET, signBody(SECRET, Buffer.from(body, "latin1")))).toBe(false);
  });

  test("is what a bot built on @line/bot-sdk accepts, and only with the right secret", () => {
    const signature = signBody(SECRET, BODY);
    expect(validateSignature(BODY, SECRET, signature)).toBe(true);
    expect(validateSignature(BODY, "0".repeat(32), signature)).toBe(false);
    expect(validateSignature(BODY.replace("[]", "[ ]"), SECRET, signature)).toBe(false);
  });
});
