import { describe, expect, test } from "vitest";
import { consoleUrlOf } from "@/lib/env";

describe("the address emails link to", () => {
  test.each<[Record<string, string>, string]>([
    [{}, "http://localhost:3000"],
    // The console started on another port links to that port.
    [{ PORT: "4123" }, "http://localhost:4123"],
    [{ PORT: "4123", NEXTAUTH_URL: "https://console.example.com/" }, "https://console.example.com"],
    [{ PORT: "4123", NEXTAUTH_URL: "https://console.example.com", CONSOLE_URL: "https://mail-links.example.com/" }, "https://mail-links.example.com"],
    // A blank setting is no setting.
    [{ CONSOLE_URL: "", NEXTAUTH_URL: " ", PORT: "" }, "http://localhost:3000"],
    [{ CONSOLE_URL: "", PORT: "8080" }, "http://localhost:8080"],
  ])("%j links to %s", (environment, expected) => {
    expect(consoleUrlOf(environment)).toBe(expected);
  });
});
