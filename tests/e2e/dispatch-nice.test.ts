import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../support/app-server";
import { waitUntil } from "../support/wait";

// WEBHOOK_DISPATCH_NICE lowers the priority of the dispatcher thread and its writer alone: the
// thread that serves pages keeps the process's own.

let app: ConsoleApp | undefined;

afterAll(async () => {
  await app?.stop();
});

/** The nice value of each thread of a process, from /proc (field 19 of a task's stat). */
function threadNices(pid: string): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      // The command name, in parentheses, may hold spaces: the fields are counted after it.
      return [Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])];
    } catch {
      return [];
    }
  });
}

/** The app's server process: of the processes started with its data folder, the one with the most threads. */
function appProcess(dataDir: string): string | undefined {
  const ofTheApp = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`DATA_DIR=${dataDir}`);
      } catch {
        return false;
      }
    });
  return ofTheApp.sort((a, b) => threadNices(b).length - threadNices(a).length)[0];
}

describe.skipIf(process.platform !== "linux")("WEBHOOK_DISPATCH_NICE", () => {
  test("sets the dispatcher thread's and its writer's nice value, not the page thread's", async () => {
    app = await startConsoleApp({ WEBHOOK_DISPATCH_NICE: "7" });
    const pid = appProcess(app.dataDir);
    expect(pid).toBeDefined();
    // The dispatcher thread starts with the app and is ready once /readyz sees its heartbeat.
    await waitUntil(async () => (await fetch(`${app!.baseUrl}/readyz`)).status === 200, 60_000);
    const nices = threadNices(pid!);
    // The main thread (its task ID is the process ID) keeps the process's own priority.
    expect(Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[16])).toBe(0);
    // SQLite: the dispatcher and its outcome writer; PostgreSQL: the dispatcher alone.
    expect(nices.filter((nice) => nice === 7).length).toBeGreaterThanOrEqual(1);
    expect(nices.filter((nice) => nice !== 0 && nice !== 7)).toEqual([]);
  }, 120_000);
});
