/** LINE's window for a reply after the webhook is received… */
export const REPLY_WINDOW_MS = 60_000;
/** …and the age after which even a redelivered event's token no longer works. */
export const REPLY_TOKEN_LIFETIME_MS = 20 * 60_000;
