// CPU time of the processes a bench run involves, by role, read from /proc (Linux only): where a
// machine with few cores spends them.
import { readdirSync, readFileSync } from "node:fs";

// /proc counts in clock ticks; USER_HZ is 100 on every Linux the bench runs on.
const TICKS_PER_SECOND = 100;

type Proc = { ppid: number; ticks: number; comm: string };

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields count from the last ")".
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    return { comm: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

export type CpuRoles = {
  /** Each role's root processes; their descendants count for it too. */
  trees: Record<string, number[]>;
  /** Counts the PostgreSQL server processes serving this database as the role "postgres". */
  postgresDatabase?: string;
};

/**
 * Samples the roles' processes (asked anew each time: processes may start meanwhile) every
 * `everyMs` until stopped; returns the CPU seconds each role used meanwhile. A process that ends
 * between two samples loses at most its last `everyMs`.
 */
export function watchCpu(rolesNow: () => CpuRoles, everyMs = 250): () => Map<string, number> {
  const first = new Map<number, number>();
  const last = new Map<number, { role: string; ticks: number }>();
  const sample = () => {
    const roles = rolesNow();
    const procs = new Map<number, Proc>();
    for (const name of readdirSync("/proc")) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const proc = readProc(pid);
      if (proc) procs.set(pid, proc);
    }
    const rootRole = new Map<number, string>();
    for (const [role, pids] of Object.entries(roles.trees)) for (const pid of pids) rootRole.set(pid, role);
    for (const [pid, proc] of procs) {
      // The nearest root above the process decides: a worker is the bench's child, but a worker.
      let role: string | undefined;
      for (let p: number | undefined = pid; p && !role; p = procs.get(p)?.ppid) role = rootRole.get(p);
      if (!role && roles.postgresDatabase && proc.comm === "postgres" && cmdline(pid).includes(` ${roles.postgresDatabase} `)) {
        role = "postgres";
      }
      if (!role) continue;
      if (!first.has(pid)) first.set(pid, proc.ticks);
      last.set(pid, { role, ticks: proc.ticks });
    }
  };
  sample();
  // Processes seen in the first sample count from there; those that start later, from zero.
  const started = new Set(first.keys());
  const timer = setInterval(sample, everyMs);
  return () => {
    clearInterval(timer);
    sample();
    const seconds = new Map<string, number>();
    for (const [pid, { role, ticks }] of last) {
      const used = ticks - (started.has(pid) ? first.get(pid)! : 0);
      seconds.set(role, (seconds.get(role) ?? 0) + used / TICKS_PER_SECOND);
    }
    return seconds;
  };
}
