import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Attributes whose text a user reads or hears, on elements and on the console's own components. */
const USER_FACING_ATTRIBUTES = new Set(["title", "aria-label", "placeholder", "alt", "label", "ariaLabel", "submitLabel", "empty", "headers"]);

/**
 * Words that are the same in every language: product and protocol names, and LINE's own field
 * names. Text made only of these, numbers and punctuation needs no catalogue entry.
 */
const SAME_IN_EVERY_LANGUAGE = /\b(LINE|Messaging API|POST|HTTP|DNS|TLS|JSON|HTML|PostgreSQL|SQLite|UTC|p50|p95|p99|ms)\b/g;

function hasWords(text: string): boolean {
  return /\p{L}/u.test(text.replace(SAME_IN_EVERY_LANGUAGE, ""));
}

function tsxFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".tsx"))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
}

/** The literal text an expression can evaluate to, through conditionals and `&&`/`||`/`??`. */
function literalTexts(node: ts.Expression): string[] {
  if (ts.isParenthesizedExpression(node)) return literalTexts(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
  if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)];
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)) {
    return [...literalTexts(node.left), ...literalTexts(node.right)];
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((element) => (ts.isExpression(element) ? literalTexts(element) : []));
  return [];
}

/** Each user-facing text a file writes out literally, with its line. */
function literalStrings(file: string, source: string): string[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    const line = sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    found.push(`${file}:${line}: ${JSON.stringify(text.trim())}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) report(node, node.text);
    if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const text of literalTexts(node.expression)) if (hasWords(text)) report(node, text);
    }
    if (ts.isJsxAttribute(node) && USER_FACING_ATTRIBUTES.has(node.name.getText(sourceFile)) && node.initializer) {
      const value = node.initializer;
      const texts = ts.isStringLiteral(value) ? [value.text] : ts.isJsxExpression(value) && value.expression ? literalTexts(value.expression) : [];
      for (const text of texts) if (hasWords(text)) report(node, text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

describe("the console's components", () => {
  test("take every user-facing string from the message catalogue", () => {
    const files = [...tsxFiles("app"), ...tsxFiles("components")];
    const found = files.flatMap((file) => literalStrings(file, readFileSync(path.join(root, file), "utf8")));
    expect(found).toEqual([]);
  });

  test("the check finds text, attributes and literal branches, and passes catalogue lookups", () => {
    const found = literalStrings(
      "example.tsx",
      `export const A = () => <p title="Hello there" aria-label={t("ok")}>Welcome back {ok ? "Yes" : t("no")} {"·"} {t("fine")} LINE</p>;`,
    );
    expect(found).toEqual([`example.tsx:1: "Hello there"`, `example.tsx:1: "Welcome back"`, `example.tsx:1: "Yes"`]);
  });
});
