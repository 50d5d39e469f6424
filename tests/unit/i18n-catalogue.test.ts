import { describe, expect, test } from "vitest";
import { parse } from "@formatjs/icu-messageformat-parser";
import en from "@/messages/en.json";
import ja from "@/messages/ja.json";

type Tree = { [key: string]: string | Tree };

/** Every message of a catalogue by its full key (`webhook.useWebhook`). */
function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/** The names of the values a message takes (`{email}`, `{count, plural, …}`) and the tags it wraps (`<strong>`). */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: ReturnType<typeof parse>) => {
    for (const element of elements) {
      if ("value" in element && typeof element.value === "string" && element.type !== 0) names.add(element.value);
      if ("children" in element) walk(element.children);
      if ("options" in element) for (const option of Object.values(element.options)) walk(option.value);
    }
  };
  walk(parse(message));
  return [...names].sort();
}

const catalogues = { en: flatten(en), ja: flatten(ja) };

describe("the message catalogues", () => {
  test.each([
    ["en", "ja"],
    ["ja", "en"],
  ] as const)("every key of %s is in %s", (from, to) => {
    const missing = [...catalogues[from].keys()].filter((key) => !catalogues[to].has(key));
    expect(missing).toEqual([]);
  });

  test("a key holds a message in both languages, never an empty one", () => {
    const empty = [...catalogues.en, ...catalogues.ja].filter(([, message]) => message.trim() === "").map(([key]) => key);
    expect(empty).toEqual([]);
  });

  test("each message parses, and takes the same values and tags in both languages", () => {
    const differ = [...catalogues.en.keys()]
      .filter((key) => catalogues.ja.has(key))
      .filter((key) => argumentsOf(catalogues.en.get(key)!).join() !== argumentsOf(catalogues.ja.get(key)!).join());
    expect(differ).toEqual([]);
  });
});
