import { describe, expect, test } from "vitest";
import { chooseLocale, localeFromAcceptLanguage, localeOfHeaders } from "@/lib/i18n/locales";
import { formatUtc9 } from "@/lib/time";

describe("the language of a request", () => {
  test.each([
    ["ja-JP,ja;q=0.9,en-US;q=0.8", "ja"],
    ["en-US,en;q=0.9,ja;q=0.8", "en"],
    ["fr-FR, ja;q=0.5, en;q=0.3", "ja"],
    ["en;q=0.2, JA;q=0.7", "ja"],
    ["ja;q=0, en", "en"],
    ["fr, de", null],
    ["", null],
  ] as const)("Accept-Language %j asks for %s", (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  test("the user's choice wins, then the cookie, then Accept-Language, then English", () => {
    expect(chooseLocale({ chosen: "ja", cookie: "en", acceptLanguage: "en" })).toBe("ja");
    expect(chooseLocale({ chosen: null, cookie: "ja", acceptLanguage: "en" })).toBe("ja");
    expect(chooseLocale({ chosen: "xx", cookie: "yy", acceptLanguage: "ja-JP" })).toBe("ja");
    expect(chooseLocale({ acceptLanguage: "fr" })).toBe("en");
  });

  test("the sign-in request's headers give its page's language", () => {
    expect(localeOfHeaders({ cookie: "a=1; console-locale=ja; b=2", "accept-language": "en" })).toBe("ja");
    expect(localeOfHeaders({ "accept-language": "ja,en;q=0.5" })).toBe("ja");
    expect(localeOfHeaders({})).toBe("en");
  });

  test("times stay UTC+9 in both languages; Japanese writes the date with slashes", () => {
    const at = new Date("2025-06-30T15:04:05Z");
    expect(formatUtc9(at)).toBe("2025-07-01 00:04:05");
    expect(formatUtc9(at, "ja")).toBe("2025/07/01 00:04:05");
  });
});
