import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { readdirSync } from "node:fs";
import { freePort } from "./app-server";

export type PostgresCluster = {
  url: string;
  /**
   * Restarts the server (a fast shutdown: every connection is cut), as an upgrade or a failover
   * would; this process goes on meanwhile.
   */
  restart(): Promise<void>;
  drop(): void;
};

/** Whether this machine can make a PostgreSQL cluster of its own: Debian's tools, run as root. */
export function canMakeCluster(): boolean {
  try {
    return process.getuid?.() === 0 && readdirSync("/usr/lib/postgresql").length > 0 && execFileSync("which", ["pg_createcluster"]).length > 0;
  } catch {
    return false;
  }
}

/**
 * A PostgreSQL cluster of a test's own on a free port, so that restarting it disturbs no other
 * test's database. Debian's `pg_createcluster`; the test must run as root.
 */
export async function makeCluster(name: string): Promise<PostgresCluster> {
  const version = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b)).at(-1)!;
  const port = await freePort();
  const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: "pipe" });
  run("pg_createcluster", [version, name, "--port", String(port), "--start"]);
  run("runuser", ["-u", "postgres", "--", "psql", "-q", "-p", String(port), "-c", "ALTER USER postgres PASSWORD 'postgres'"]);
  return {
    url: `postgresql://postgres:postgres@localhost:${port}/postgres`,
    restart: async () => {
      await promisify(execFile)("pg_ctlcluster", [version, name, "restart", "--mode", "fast"]);
    },
    drop: () => run("pg_dropcluster", [version, name, "--stop"]),
  };
}
