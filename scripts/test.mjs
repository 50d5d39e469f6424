#!/usr/bin/env node
// The one test command: makes sure Debian's Chromium is there for the browser journeys, runs
// every test project on SQLite and then, when a server answers at TEST_POSTGRES_URL, on
// PostgreSQL, and ends with a line "N passed, N failed" from the runner's own totals.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isPostgresReachable, redactUrl } from "./db-check.ts";

const root = path.resolve(import.meta.dirname, "..");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const resultsDir = path.join(root, "test-results");
// The same default as the tests' own (scripts/db-check.ts).
const postgresUrl = process.env.TEST_POSTGRES_URL || "postgresql://postgres:postgres@localhost:5432/postgres";

function run(command, args, options = {}) {
  return spawnSync(command, args, { stdio: "inherit", cwd: root, ...options }).status ?? 1;
}

function ensureChromium() {
  if (existsSync(chromium)) return true;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    console.error(`Chromium is missing at ${chromium}. Install Debian's Chromium, then run the tests again:`);
    console.error("  sudo apt-get update && sudo apt-get install -y chromium");
    return false;
  }
  console.log("Installing Debian's Chromium for the browser tests (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], { env });
  return run("apt-get", ["install", "-y", "-qq", "chromium"], { env }) === 0 && existsSync(chromium);
}

function totalsLine({ passed, failed }) {
  return `${passed} passed, ${failed} failed`;
}

/** Runs vitest once on one database; returns its totals from the JSON report. */
function runPass(database, extraEnv) {
  const jsonFile = path.join(resultsDir, `vitest-${database}.json`);
  rmSync(jsonFile, { force: true });
  console.log(`\n::: tests on ${database}\n`);
  const status = run(
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)],
    { env: { ...process.env, ...extraEnv } },
  );

  let passed = 0;
  let failed = 0;
  if (existsSync(jsonFile)) {
    const report = JSON.parse(readFileSync(jsonFile, "utf8"));
    passed = report.numPassedTests ?? 0;
    failed = report.numFailedTests ?? 0;
    // A file that failed before any of its tests could (a broken import, a failing beforeAll)
    // counts once.
    for (const file of report.testResults ?? []) {
      const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed").length;
      if (file.status === "failed" && failedTests === 0) failed += 1;
    }
  }
  // A run that failed without failing a test (a crash, a suite that could not load) still fails.
  if (status !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

function finish(lines, totals) {
  mkdirSync(resultsDir, { recursive: true });
  const last = totalsLine(totals);
  writeFileSync(path.join(resultsDir, "totals.txt"), [...lines, last].join("\n") + "\n");
  console.log("");
  for (const line of lines) console.log(line);
  console.log(last);
  process.exit(totals.failed === 0 ? 0 : 1);
}

if (!ensureChromium()) finish([], { passed: 0, failed: 1 });

mkdirSync(resultsDir, { recursive: true });
const startedAt = Date.now();
const sqlite = runPass("sqlite", { TEST_DATABASE: "sqlite" });
const lines = [`sqlite: ${totalsLine(sqlite)}`];
const totals = { ...sqlite };

if (await isPostgresReachable(postgresUrl)) {
  // The browser journeys' `next build` is the same for both databases: build once per run.
  const buildId = path.join(root, ".next", "BUILD_ID");
  const built = existsSync(buildId) && statSync(buildId).mtimeMs >= startedAt;
  const postgres = runPass("postgres", {
    TEST_DATABASE: "postgres",
    TEST_POSTGRES_URL: postgresUrl,
    ...(built ? { E2E_BUILT: "1" } : {}),
  });
  lines.push(`postgres: ${totalsLine(postgres)}`);
  totals.passed += postgres.passed;
  totals.failed += postgres.failed;
} else if (process.env.CI) {
  lines.push(`postgres: no PostgreSQL at ${redactUrl(postgresUrl)}; CI runs every test on both databases`);
  totals.failed += 1;
} else {
  lines.push(`postgres: skipped: no PostgreSQL at ${redactUrl(postgresUrl)} (set TEST_POSTGRES_URL to run the tests on it too)`);
}
finish(lines, totals);
