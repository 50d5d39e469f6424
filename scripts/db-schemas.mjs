// Keeps the PostgreSQL schema in step with the SQLite one, which is the only one edited by hand.
//   node scripts/db-schemas.mjs           writes prisma/postgres/schema.prisma
//   node scripts/db-schemas.mjs --check   fails when the committed file differs from the derived one
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const SOURCE = path.join(root, "prisma/sqlite/schema.prisma");
const TARGET = path.join(root, "prisma/postgres/schema.prisma");

/** The PostgreSQL schema for the SQLite one's text. */
export function derivePostgresSchema(sqlite) {
  const lines = sqlite.split("\n");
  const start = lines.findIndex((line) => line.startsWith("generator "));
  if (start < 0) throw new Error("prisma/sqlite/schema.prisma has no generator block.");
  const body = lines
    .slice(start)
    .join("\n")
    .replace('output     = "../../lib/generated/prisma"', 'output     = "../../lib/generated/prisma-pg"')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:./dev.db"', 'url      = env("DATABASE_URL")')
    // Times are instants: timestamptz keeps them so whatever the server's or the client's zone.
    .replace(/^(\s+\w+\s+DateTime\??)(.*)$/gm, (_, field, rest) => `${field}${rest.replace(/\s*$/, "")} @db.Timestamptz(3)`);
  for (const expected of ['"../../lib/generated/prisma-pg"', '"postgresql"', 'env("DATABASE_URL")']) {
    if (!body.includes(expected)) throw new Error(`Cannot derive the PostgreSQL schema: ${expected} not set.`);
  }
  return [
    "// Derived from prisma/sqlite/schema.prisma by `npm run db:schemas`; do not edit. `npm run db:check`",
    "// fails when the two drift apart.",
    "",
    body,
  ].join("\n");
}

const derived = derivePostgresSchema(readFileSync(SOURCE, "utf8"));
if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(TARGET, "utf8");
  } catch {
    // Missing counts as drift.
  }
  if (committed !== derived) {
    console.error("prisma/postgres/schema.prisma is not derived from prisma/sqlite/schema.prisma: run `npm run db:schemas`.");
    process.exit(1);
  }
  console.log("prisma/postgres/schema.prisma matches prisma/sqlite/schema.prisma.");
} else {
  mkdirSync(path.dirname(TARGET), { recursive: true });
  writeFileSync(TARGET, derived);
  console.log("wrote prisma/postgres/schema.prisma");
}
