import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pgArray } from "@/lib/delivery/pg-arrays";
import { isPostgresRun, testPostgresUrl } from "../support/database";

let client: pg.Client;

beforeAll(async () => {
  if (!isPostgresRun()) return;
  client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

/** What PostgreSQL reads from the parameter, as an array of `type`. */
async function roundTrip(param: unknown, type: string): Promise<unknown[]> {
  const { rows } = await client.query<{ value: unknown[] }>(`SELECT $1::${type}[] AS "value"`, [param]);
  return rows[0]!.value;
}

const TRICKY = [
  'a "quoted" word',
  "back\\slash and \\\" both",
  "{braces}, commas, and ; semicolons",
  "NULL",
  "null",
  "",
  "  spaced  ",
  "日本語のテキスト 😀",
  JSON.stringify({ type: "message", message: { text: 'line one\nline "two"' } }),
];

describe.runIf(isPostgresRun())("array parameters written as one literal", () => {
  test("text, with quotes, backslashes, braces, NULL as a word, empty strings, emoji and JSON, reads back as written", async () => {
    const values = [...TRICKY, null];
    const literal = pgArray(values);
    expect(typeof literal).toBe("string");
    expect(await roundTrip(literal, "text")).toEqual(values);
  });

  test("a control character or a lone surrogate leaves the array to node-postgres, and reads back as written", async () => {
    for (const odd of ["tab\there", "nul\u0000", "bell\u0007", "lone \ud83d surrogate"]) {
      const values = ["plain", odd];
      const param = pgArray(values);
      expect(param).toBe(values);
      // PostgreSQL text cannot hold NUL; the others must come back unchanged.
      if (odd.includes("\u0000")) continue;
      const back = await roundTrip(param, "text");
      expect(back[0]).toBe("plain");
      // A lone surrogate cannot be UTF-8: node-postgres writes U+FFFD in its place.
      expect(back[1]).toBe(odd.replace("\ud83d", "\ufffd"));
    }
  });

  test("numbers, booleans and times read back as the same values", async () => {
    expect(await roundTrip(pgArray([1, 2.5, -3.25e-7, 1e21, null]), "double precision")).toEqual([1, 2.5, -3.25e-7, 1e21, null]);
    expect(await roundTrip(pgArray([0, 42, null]), "integer")).toEqual([0, 42, null]);
    expect(await roundTrip(pgArray([true, false, null]), "boolean")).toEqual([true, false, null]);
    const times = [Date.UTC(2026, 11, 2, 9, 30, 15, 123), Date.UTC(1999, 0, 1)];
    const back = (await roundTrip(pgArray([...times.map((t) => new Date(t).toISOString()), null]), "timestamptz(3)")) as (Date | null)[];
    expect(back.map((d) => d?.getTime() ?? null)).toEqual([...times, null]);
  });

  test("a number JSON cannot write is left to node-postgres", () => {
    const values = [1, Number.NaN];
    expect(pgArray(values)).toBe(values);
    expect(pgArray([])).toBe("{}");
  });
});
