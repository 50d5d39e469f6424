import { describe, expect, test } from "vitest";
import { diffLines, MAX_DIFF_LINES, prettyJson } from "@/lib/console/line-diff";
import { sendMeaning } from "@/lib/console/send-meaning";

describe("the diff between two payloads", () => {
  test("a redelivery's payload differs from the first send's in isRedelivery only", () => {
    const first = prettyJson('{"events":[{"type":"message","deliveryContext":{"isRedelivery":false},"replyToken":"r"}]}');
    const again = prettyJson('{"events":[{"type":"message","deliveryContext":{"isRedelivery":true},"replyToken":"r"}]}');
    const changed = diffLines(first, again)!.filter((l) => l.kind !== "same");
    expect(changed).toEqual([
      { kind: "removed", text: '        "isRedelivery": false' },
      { kind: "added", text: '        "isRedelivery": true' },
    ]);
  });

  test("keeps every line of both texts in order", () => {
    const lines = diffLines("a\nb\nc\nd", "a\nx\nc\nd\ne")!;
    expect(lines.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(["a", "b", "c", "d"]);
    expect(lines.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(["a", "x", "c", "d", "e"]);
    expect(diffLines("same", "same")).toEqual([{ kind: "same", text: "same" }]);
  });

  test("texts too long to compare give no diff", () => {
    expect(diffLines("x\n".repeat(MAX_DIFF_LINES + 1), "x")).toBeNull();
  });

  test("pretty-prints JSON, and leaves other text as it is", () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('{"cut')).toBe('{"cut');
  });
});

describe("what a send means for the bot", () => {
  const base = { kind: "event", statusCode: null, reason: null, detail: null };
  test("a success names its margin, and warns when it came close to the deadline", () => {
    expect(sendMeaning({ ...base, success: true, statusCode: 200, durationMs: 120 })).toBe(
      "The bot answered 200 in 120 ms, 1880 ms inside LINE's 2-second deadline, so LINE counts this event as delivered.",
    );
    expect(sendMeaning({ ...base, success: true, statusCode: 200, durationMs: 1800 })).toContain("Only 200 ms were left");
  });

  test("a failure gives LINE's reason and detail, what LINE does next and what to look at", () => {
    const timeout = sendMeaning({ ...base, success: false, reason: "request_timeout", detail: "Request timeout", durationMs: 2000 });
    expect(timeout).toMatch(/^request_timeout · Request timeout: /);
    expect(timeout).toContain("sends it again later with isRedelivery true");
    expect(timeout).toContain("answer at once and do slow work");
    expect(sendMeaning({ ...base, kind: "verify", success: false, reason: "error_status_code", detail: "500", durationMs: 5 })).toContain(
      "never counted in error statistics",
    );
    expect(sendMeaning({ ...base, success: false, detail: "The URL policy refused 10.0.0.1", durationMs: 0 })).toBe(
      "Nothing was sent: The URL policy refused 10.0.0.1. This is not counted against the bot.",
    );
  });
});
