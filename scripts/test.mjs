#!/usr/bin/env node
// The one test command: makes sure Debian's Chromium is there for the browser journeys, runs
// every test project, and ends with a line "N passed, N failed" from the runner's own totals.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const resultsDir = path.join(root, "test-results");
const jsonFile = path.join(resultsDir, "vitest.json");

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

function writeTotals(passed, failed) {
  mkdirSync(resultsDir, { recursive: true });
  const line = `${passed} passed, ${failed} failed`;
  writeFileSync(path.join(resultsDir, "totals.txt"), `${line}\n`);
  console.log(line);
}

if (!ensureChromium()) {
  writeTotals(0, 1);
  process.exit(1);
}

mkdirSync(resultsDir, { recursive: true });
const status = run("npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${jsonFile}`,
  ...process.argv.slice(2),
]);

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
writeTotals(passed, failed);
process.exit(status);
