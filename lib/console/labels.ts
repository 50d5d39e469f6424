/** The words and figures the console's pages show for stored values. Pure: pages and components read it. */
import { DEFAULT_LOCALE, type Locale } from "../i18n/locales";
import { translator } from "../i18n/messages";

/** The kinds of request the Delivery log names. */
const ATTEMPT_KINDS = ["event", "verify", "test"] as const;

function isAttemptKind(kind: string): kind is (typeof ATTEMPT_KINDS)[number] {
  return (ATTEMPT_KINDS as readonly string[]).includes(kind);
}

/** The name of a request's kind in `locale`; a kind the table does not know is shown as stored. */
export function attemptKindLabel(kind: string, locale: Locale = DEFAULT_LOCALE): string {
  return isAttemptKind(kind) ? translator(locale, "log")(`kinds.${kind}`) : kind;
}

/** A measured time in whole milliseconds, or a dash for a phase that did not happen (no TLS, no DNS). */
export function formatMs(value: number | null): string {
  return value === null ? "–" : `${Math.round(value)} ms`;
}

/** Which send of an event a row is, in `locale`: the first, or a redelivery (scheduled or by an Admin). */
export function sendLabel(index: number, isRedelivery: boolean, locale: Locale = DEFAULT_LOCALE): string {
  return translator(locale, "log")(index === 0 && !isRedelivery ? "sends.first" : "sends.redelivery");
}
