import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

// A process of its own, as the console's are: the logger reads LOG_LEVEL once.
const SCRIPT = `
const { logger } = await import("./lib/log.ts");
logger().error(
  { err: new Error("boom"), headers: { authorization: "Bearer token-123", cookie: "session=abc" }, channel: { channelSecret: "8c570fa6dd201bb328f1c1eac23a96d8" }, password: "hunter2" },
  "a request failed",
);
logger().info("started");
logger().debug("details");
`;

async function logLines(level: string | undefined): Promise<Record<string, unknown>[]> {
  const env = { ...process.env, DATA_DIR: mkdtempSync(path.join(tmpdir(), "log-")), LOG_LEVEL: level ?? "" };
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], { cwd: root, env });
  return stdout.trim().split("\n").map((line) => JSON.parse(line));
}

describe("the logger", () => {
  test("writes JSON lines with the error's message and stack, and no credentials", async () => {
    const [line] = await logLines(undefined);
    expect(line).toMatchObject({ level: 50, msg: "a request failed", err: { type: "Error", message: "boom" } });
    const text = JSON.stringify(line);
    for (const secret of ["token-123", "session=abc", "8c570fa6dd201bb328f1c1eac23a96d8", "hunter2"]) expect(text).not.toContain(secret);
    expect(line).toMatchObject({ headers: { authorization: "[redacted]" }, channel: { channelSecret: "[redacted]" }, password: "[redacted]" });
  });

  test.each([
    [undefined, ["a request failed", "started"]],
    ["debug", ["a request failed", "started", "details"]],
    ["error", ["a request failed"]],
  ])("LOG_LEVEL=%s writes %j", async (level, messages) => {
    expect((await logLines(level)).map((line) => line.msg)).toEqual(messages);
  });
});
