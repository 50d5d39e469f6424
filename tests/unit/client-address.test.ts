import { describe, expect, test } from "vitest";
import { clientAddress, PEER_HEADER } from "@/lib/auth/client-address";

describe("the client address of a sign-in", () => {
  const headers = (forwarded?: string) => ({ [PEER_HEADER]: "10.0.0.5", ...(forwarded ? { "x-forwarded-for": forwarded } : {}) });

  test("with no proxy trusted, X-Forwarded-For is ignored: a client can write anything there", () => {
    expect(clientAddress(headers("203.0.113.1"), 0)).toBe("10.0.0.5");
    expect(clientAddress(headers(), 0)).toBe("10.0.0.5");
  });

  test("behind one proxy, the entry it appended counts, not the ones the client sent before it", () => {
    expect(clientAddress(headers("1.1.1.1, 2.2.2.2, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientAddress(headers("1.1.1.1, 198.51.100.7, 10.0.0.9"), 2)).toBe("198.51.100.7");
    expect(clientAddress(headers(), 1)).toBe("10.0.0.5");
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.8" }), 1)).toBe("198.51.100.8");
  });
});
