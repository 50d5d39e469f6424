import pino, { type Logger } from "pino";
import { env } from "./env";

/**
 * What never goes into a log line, wherever it sits in the logged object: credentials of users,
 * of channels and of the API, and the headers that carry them.
 */
const REDACTED_PATHS = [
  "authorization",
  "headers.authorization",
  "headers.cookie",
  "password",
  "channelSecret",
  "secret",
  "token",
  "accessToken",
  "smtpUrl",
].flatMap((path) => [path, `*.${path}`]);

// On globalThis: Next bundles route handlers and instrumentation separately, and the process
// writes one stream of lines. Each worker thread has its own.
const holder = globalThis as unknown as { logger?: Logger };

/**
 * The process's logger: JSON lines on standard output, at LOG_LEVEL and above. Log an error as
 * `{ err }`, so that its message and stack are kept.
 */
export function logger(): Logger {
  holder.logger ??= pino({
    level: env().logLevel,
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  });
  return holder.logger;
}
