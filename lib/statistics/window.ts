/** Error statistics group failures of one (reason, detail) into 60-second windows. */
export const WINDOW_MS = 60_000;

/** The first millisecond of the 60-second window holding `ms`; windows align to whole minutes. */
export function windowStartOf(ms: number): number {
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}
