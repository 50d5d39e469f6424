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
  /** Where the embedded default keeps its files (the SQLite database, the generated auth secret). */
  dataDir: string;
  adminEmail: string;
  adminPassword: string | undefined;
  demoChannelId: string | undefined;
  demoChannelSecret: string | undefined;
  /** "local" lets bot servers on this machine be used; "line" applies LINE's rules. */
  webhookUrlPolicy: "local" | "line";
  authSecret: string;
};

const DEFAULT_DATA_DIR = "data";

function readEnv(): Env {
  const e = process.env;
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
    dataDir,
    adminEmail: (e.ADMIN_EMAIL ?? "admin@example.com").trim().toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD || undefined,
    demoChannelId: e.DEMO_CHANNEL_ID || undefined,
    demoChannelSecret: e.DEMO_CHANNEL_SECRET || undefined,
    webhookUrlPolicy: policy,
    authSecret: e.NEXTAUTH_SECRET || readOrCreateSecret(dataDir),
  };
}

/** A laptop install needs no secret to be configured: one is generated and kept in the data dir. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
  return secret;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= readEnv();
  return cached;
}
