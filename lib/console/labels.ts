/** The words and figures the console's pages show for stored values. Pure: pages and components read it. */

/** Each kind of request in the Delivery log, as the log names it. */
export const ATTEMPT_KIND_LABELS: Readonly<Record<string, string>> = {
  event: "Webhook",
  verify: "Verify",
  test: "API test",
};

/** The name of a request's kind; a kind the table does not know is shown as stored. */
export function attemptKindLabel(kind: string): string {
  return ATTEMPT_KIND_LABELS[kind] ?? kind;
}

/** A measured time in whole milliseconds, or a dash for a phase that did not happen (no TLS, no DNS). */
export function formatMs(value: number | null): string {
  return value === null ? "–" : `${Math.round(value)} ms`;
}

/** Which send of an event a row is: the first, or a redelivery (scheduled or by an Admin). */
export function sendLabel(index: number, isRedelivery: boolean): string {
  return index === 0 && !isRedelivery ? "First send" : "Redelivery";
}
