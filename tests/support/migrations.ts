import { copyFileSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A new folder with the committed migrations of `kind` before `upTo` (or all of them), for a test
 * that migrates a database part of the way, writes old rows, then migrates the rest. The folder
 * is added to `scratch`, which the test removes when it ends.
 */
export function migrationsBefore(kind: "sqlite" | "postgres", upTo: string | undefined, scratch: string[]): string {
  const source = path.join(process.cwd(), "prisma", kind, "migrations");
  const dir = mkdtempSync(path.join(tmpdir(), "migrations-"));
  scratch.push(dir);
  for (const name of readdirSync(source).filter((n) => n.endsWith(".sql") && (upTo === undefined || n < upTo))) {
    copyFileSync(path.join(source, name), path.join(dir, name));
  }
  return dir;
}
