import { describe, expect, test } from "vitest";
import { ulid } from "@/lib/random";
import { buildTextMessageEvent } from "@/lib/webhook/payload";
import { replyTokenFor, webhookEventIdOf } from "@/lib/webhook/reply-tokens";

describe("reply tokens", () => {
  test("look like LINE's and lead back to their event", () => {
    for (let i = 0; i < 200; i++) {
      const id = ulid(Date.now() + i * 7919);
      const token = replyTokenFor(id);
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      expect(webhookEventIdOf(token)).toBe(id);
    }
  });

  test("are the ID's 128 bits in hex, digit for digit", () => {
    const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for (let i = 0; i < 500; i++) {
      const id = ulid(Math.floor(Math.random() * 2 ** 48));
      let value = 0n;
      for (const char of id) value = (value << 5n) | BigInt(crockford.indexOf(char));
      expect(replyTokenFor(id)).toBe(value.toString(16).padStart(32, "0"));
    }
    expect(replyTokenFor("00000000000000000000000000")).toBe("0".repeat(32));
    expect(replyTokenFor("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).toBe("f".repeat(32));
  });

  test("an event carries the token of its own ID", () => {
    const event = buildTextMessageEvent({ userId: `U${"1".repeat(32)}`, text: "hi" });
    expect(event.replyToken).toBe(replyTokenFor(event.webhookEventId));
  });

  test("a string no event could have leads nowhere", () => {
    for (const token of ["", "xyz", "0".repeat(31), "G".repeat(32), `${"0".repeat(31)}g`, "A".repeat(32)]) {
      expect(webhookEventIdOf(token)).toBeNull();
    }
  });
});
