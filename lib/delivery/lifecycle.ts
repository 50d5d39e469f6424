/**
 * The life of an accepted webhook event, written once: its statuses, what each means to a user,
 * and every change of status the console makes. The stores, the console's switches and the pages
 * import it; the partial indexes in `prisma/{sqlite,postgres}/partial-indexes.sql` spell the
 * unfinished statuses in SQL and `npm run db:check` keeps them in step with the migrations.
 *
 * - accept: a new event is `pending`, or `skipped` while Use webhook is off;
 * - lease: `pending`, a due `retrying`, or a `sending` whose lease ran out becomes `sending`;
 * - release: a `sending` event not sent goes back to `pending` (or `retrying` once sent before);
 * - outcome: `delivered`, `retrying` (a redelivery is scheduled) or `failed`;
 * - skip: `pending` and `retrying` become `skipped` when Use webhook is found off;
 * - stopRedelivery: `retrying` becomes `failed` when Webhook redelivery is turned off;
 * - redeliverNow: an Admin turns `failed` back into a due `retrying`.
 */

/** Every status an event can have, in the order of its life. */
export const EVENT_STATUSES = ["pending", "sending", "retrying", "delivered", "failed", "skipped"] as const;

export type EventStatus = (typeof EVENT_STATUSES)[number];

/** The statuses by name, for code that sets or compares one. */
export const EventStatus = {
  /** Accepted and waiting for its first send (a dispatcher may be reading it past its cursor). */
  pending: "pending",
  /** Leased by a dispatcher (`lockedBy`, `lockedUntil`) for a send. */
  sending: "sending",
  /** A send failed and a redelivery is due at `nextAttemptAt`. */
  retrying: "retrying",
  delivered: "delivered",
  /** A send failed and no redelivery follows. */
  failed: "failed",
  /** Accepted while Use webhook was off, or still waiting when it was turned off: never sent. */
  skipped: "skipped",
} as const satisfies { [S in EventStatus]: S };

/** Statuses a dispatcher still has work for; the partial status indexes hold exactly these. */
export const UNFINISHED_STATUSES = ["pending", "sending", "retrying"] as const satisfies readonly EventStatus[];

/** Statuses whose first send has not ended yet. */
const AWAITING_FIRST_OUTCOME: readonly EventStatus[] = ["pending", "sending"];

export function isEventStatus(value: unknown): value is EventStatus {
  return typeof value === "string" && (EVENT_STATUSES as readonly string[]).includes(value);
}

/** The event still has a send ahead of it (waiting, in flight, or a scheduled redelivery). */
export function isUnfinished(status: EventStatus): boolean {
  return (UNFINISHED_STATUSES as readonly EventStatus[]).includes(status);
}

/** The event's first send has not ended: a user is shown "Sending…". */
export function isAwaitingFirstOutcome(status: EventStatus): boolean {
  return AWAITING_FIRST_OUTCOME.includes(status);
}

type Transition = { readonly from: readonly EventStatus[]; readonly to: readonly EventStatus[] };

/**
 * Every change of status, by name, with the statuses it starts from and may lead to. Code that
 * writes a status takes both ends from here, so a status change nobody listed cannot be written.
 */
export const EVENT_TRANSITIONS = {
  /** An event is stored: pending while Use webhook is on, skipped while it is off. */
  accept: { from: [], to: ["pending", "skipped"] },
  /** A dispatcher leases events to send: waiting ones, due redeliveries, and leases that ran out. */
  lease: { from: ["pending", "retrying", "sending"], to: ["sending"] },
  /** A stopping dispatcher gives back leased events it did not send. */
  release: { from: ["sending"], to: ["pending", "retrying"] },
  /**
   * A send ended. Fresh events are sent while still pending (read past the lane's cursor), the
   * others while leased.
   */
  outcome: { from: ["pending", "sending"], to: ["delivered", "retrying", "failed"] },
  /** Use webhook is off when a dispatcher comes to the channel: waiting events are never sent. */
  skip: { from: ["pending", "retrying"], to: ["skipped"] },
  /** Webhook redelivery is turned off: the redeliveries still scheduled are cancelled. */
  stopRedelivery: { from: ["retrying"], to: ["failed"] },
  /** An Admin redelivers a failed event now. */
  redeliverNow: { from: ["failed"], to: ["retrying"] },
} as const satisfies Record<string, Transition>;

export type EventTransition = keyof typeof EVENT_TRANSITIONS;

/** Whether `transition` may move an event from `from` to `to`. */
export function canTransition(transition: EventTransition, from: EventStatus | null, to: EventStatus): boolean {
  const t: Transition = EVENT_TRANSITIONS[transition];
  return (from === null ? t.from.length === 0 : t.from.includes(from)) && t.to.includes(to);
}

/** Each status as an SQL string literal, for the stores' statements. */
export const SqlStatus = {
  pending: "'pending'",
  sending: "'sending'",
  retrying: "'retrying'",
  delivered: "'delivered'",
  failed: "'failed'",
  skipped: "'skipped'",
} as const satisfies { [S in EventStatus]: `'${S}'` };

/** A status read from the database; anything else is a bug in a writer, and says so. */
export function parseEventStatus(value: string): EventStatus {
  if (!isEventStatus(value)) throw new Error(`Unknown webhook event status: ${JSON.stringify(value)}`);
  return value;
}
