import { decodeTime, isValid } from "ulid";
import { describe, expect, test } from "vitest";
import { randomBytesPooled, ulid } from "@/lib/random";

describe("ulid", () => {
  test.each([0, 1, 1_700_000_000_000, Date.UTC(2026, 10, 23), 2 ** 48 - 1])("encodes time %i as the reference library reads it", (time) => {
    const id = ulid(time);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBe(time);
  });

  test("sorts by time and does not repeat", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => ulid(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 10_000 }, () => ulid(5))).size).toBe(10_000);
  });
});

describe("randomBytesPooled", () => {
  test("gives fresh bytes across pool refills", () => {
    const seen = new Set(Array.from({ length: 3000 }, () => randomBytesPooled(16).toString("hex")));
    expect(seen.size).toBe(3000);
  });
});
