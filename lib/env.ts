import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Every setting the product reads from the environment, parsed once. Nothing else reads
 * process.env.
 */
export type Env = {
  databaseUrl: string;
  databaseKind: "sqlite" | "postgres";
  /** The SQLite file, when the database is SQLite. */
  sqlitePath: string;
  /** Where the embedded default keeps its files (the SQLite database, the generated auth secret). */
  dataDir: string;
  adminEmail: string;
  adminPassword: string | undefined;
  demoChannelId: string | undefined;
  demoChannelSecret: string | undefined;
  /** "local" lets bot servers on this machine be used; "line" applies LINE's rules. */
  webhookUrlPolicy: "local" | "line";
  authSecret: string;
  /**
   * Where the app process runs the dispatcher: "thread", a worker thread of its own (the
   * default); "main", the thread that serves pages and API requests; "off", nowhere (separate
   * `npm run worker` processes do).
   */
  dispatcher: "thread" | "main" | "off";
  /** How many dispatcher threads the app runs (DISPATCHER=app). */
  webhookDispatchThreads: number;
  /** The nice value of the dispatcher threads and their writers (0: as the app's own thread). */
  webhookDispatchNice: number;
  webhookConnectTimeoutMs: number;
  webhookDnsTimeoutMs: number;
  /** DNS servers for Webhook URLs' hosts; the system's resolver when empty. */
  webhookDnsServers: string[];
  /** How many sends one channel may have in flight at once. */
  webhookChannelConcurrency: number;
  /** How long a dispatcher holds events it claimed before another may take them over. */
  webhookLeaseMs: number;
  /** Delays before each redelivery of a failed event, in ms; the schedule ends after the last. */
  webhookRedeliverySchedule: number[];
  /** The console's public address, for links in emails. */
  consoleUrl: string;
  /** SMTP server for notification emails (smtp://user:pass@host:port); unset keeps mail in the local outbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** How many proxies in front of the console append to X-Forwarded-For; 0 trusts no such header. */
  trustedProxyHops: number;
  /** Session cookies are `Secure` (and `__Secure-` named) when the console is served over https. */
  secureCookies: boolean;
  /** How long an invitation link stays valid. */
  invitationTtlMs: number;
  /** The bearer token /metrics asks for; unset leaves /metrics open. */
  metricsToken: string | undefined;
  /** Where a worker process (`npm run worker`) serves its own /metrics; 0 serves none. */
  workerMetricsPort: number;
  /** How many days finished events and their sends are kept. */
  retentionEventsDays: number;
  /** How many days Error statistics (60-second rows and hourly sums) are kept. */
  retentionErrorStatisticsDays: number;
  /** How many days sent (or given-up) notification emails are kept. */
  retentionEmailsDays: number;
  /** The least severe log lines written. */
  logLevel: LogLevel;
};

/** pino's levels, from the most severe; "silent" writes nothing. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevelSetting(raw: string | undefined): LogLevel {
  const level = (raw || "info").toLowerCase();
  const known = LOG_LEVELS.find((l) => l === level);
  if (!known) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not "${raw}".`);
  return known;
}

/** "30s,2m,10m,1h" → milliseconds. */
export function parseSchedule(raw: string): number[] {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const steps = raw.split(",").map((part) => part.trim()).filter(Boolean);
  if (steps.length === 0 || steps.length > 20) {
    throw new Error(`WEBHOOK_REDELIVERY_SCHEDULE must list 1 to 20 delays, like "30s,2m,10m,1h", not "${raw}".`);
  }
  return steps.map((step) => {
    const match = step.match(/^(\d+)(ms|s|m|h)$/);
    if (!match || Number(match[1]) <= 0) {
      throw new Error(`WEBHOOK_REDELIVERY_SCHEDULE: "${step}" is not a delay like 30s, 2m or 1h.`);
    }
    return Number(match[1]) * units[match[2]];
  });
}

function intSetting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}

const DEFAULT_DATA_DIR = "data";

/** The data folder holds the database and the auth secret: only the console's own user may enter it. */
export const DATA_DIR_MODE = 0o700;

/** LINE keeps its schedule to itself; ours grows from seconds to an hour over about 1.5 hours. */
export const DEFAULT_REDELIVERY_SCHEDULE = "10s,30s,2m,10m,30m,1h";

function readEnv(): Env {
  const e = process.env;
  const dispatcher = e.DISPATCHER || "app";
  if (dispatcher !== "app" && dispatcher !== "main" && dispatcher !== "off") {
    throw new Error(`DISPATCHER must be "app", "main" or "off", not "${e.DISPATCHER}".`);
  }
  const dataDir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), e.DATA_DIR ?? DEFAULT_DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `file:${path.join(dataDir, "console.db")}`;
  const databaseKind = /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgres" : "sqlite";
  const policy = e.WEBHOOK_URL_POLICY ?? "local";
  if (policy !== "local" && policy !== "line") {
    throw new Error(`WEBHOOK_URL_POLICY must be "local" or "line", not "${policy}".`);
  }
  return {
    databaseUrl,
    databaseKind,
    sqlitePath: databaseUrl.replace(/^file:/, ""),
    dataDir,
    adminEmail: (e.ADMIN_EMAIL ?? "admin@example.com").trim().toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD || undefined,
    demoChannelId: e.DEMO_CHANNEL_ID || undefined,
    demoChannelSecret: e.DEMO_CHANNEL_SECRET || undefined,
    webhookUrlPolicy: policy,
    authSecret: e.NEXTAUTH_SECRET || readOrCreateSecret(dataDir),
    dispatcher: dispatcher === "app" ? "thread" : dispatcher,
    webhookDispatchThreads: intSetting("WEBHOOK_DISPATCH_THREADS", 1, 1, 64),
    webhookDispatchNice: intSetting("WEBHOOK_DISPATCH_NICE", 0, 0, 19),
    webhookConnectTimeoutMs: intSetting("WEBHOOK_CONNECT_TIMEOUT_MS", 3000, 1, 60_000),
    webhookDnsTimeoutMs: intSetting("WEBHOOK_DNS_TIMEOUT_MS", 3000, 1, 60_000),
    webhookDnsServers: (e.WEBHOOK_DNS_SERVERS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    webhookChannelConcurrency: intSetting("WEBHOOK_CHANNEL_CONCURRENCY", 16, 1, 1000),
    webhookLeaseMs: intSetting("WEBHOOK_LEASE_MS", 30_000, 1000, 3_600_000),
    webhookRedeliverySchedule: parseSchedule(e.WEBHOOK_REDELIVERY_SCHEDULE ?? DEFAULT_REDELIVERY_SCHEDULE),
    consoleUrl: consoleUrlOf(e),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM ?? "LINE Webhook Console <no-reply@localhost>",
    trustedProxyHops: intSetting("TRUSTED_PROXY_HOPS", 0, 0, 10),
    secureCookies: (e.NEXTAUTH_URL ?? "").startsWith("https://"),
    invitationTtlMs: intSetting("INVITATION_TTL_HOURS", 7 * 24, 1, 90 * 24) * 3_600_000,
    metricsToken: e.METRICS_TOKEN || undefined,
    workerMetricsPort: intSetting("WORKER_METRICS_PORT", 0, 0, 65_535),
    retentionEventsDays: intSetting("RETENTION_EVENTS_DAYS", 14, 1, 3650),
    retentionErrorStatisticsDays: intSetting("RETENTION_ERROR_STATISTICS_DAYS", 400, 1, 3650),
    retentionEmailsDays: intSetting("RETENTION_EMAILS_DAYS", 30, 1, 3650),
    logLevel: logLevelSetting(e.LOG_LEVEL),
  };
}

/** The port `next dev` and `next start` listen on when given none. */
const DEFAULT_PORT = "3000";

/**
 * The address emails link to: CONSOLE_URL, else NEXTAUTH_URL, else this machine at the port the
 * console listens on. Next sets PORT to the port it took before the app's code loads, so a
 * console started on another port links to itself. A blank value counts as unset.
 */
export function consoleUrlOf(e: { CONSOLE_URL?: string; NEXTAUTH_URL?: string; PORT?: string }): string {
  const port = e.PORT?.trim() || DEFAULT_PORT;
  const url = e.CONSOLE_URL?.trim() || e.NEXTAUTH_URL?.trim() || `http://localhost:${port}`;
  return url.replace(/\/$/, "");
}

/** A laptop install needs no secret to be configured: one is generated and kept in the data dir. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    // Another process of this install wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= readEnv();
  return cached;
}
