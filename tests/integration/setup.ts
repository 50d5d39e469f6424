import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateSqlite } from "@/lib/migrate";

// Every test file gets its own real SQLite file, migrated exactly as at start-up.
const dir = mkdtempSync(path.join(tmpdir(), "console-test-"));
const file = path.join(dir, "console.db");
process.env.DATA_DIR = dir;
process.env.DATABASE_URL = `file:${file}`;
migrateSqlite(file);
