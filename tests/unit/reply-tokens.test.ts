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
