import { HOUR_MS, MINUTE_MS } from "./utc9";

/** One hour's errors of one (reason, detail). */
export type HourCell = { reason: string; detail: string; errors: number; rows: number };

export type SealedHourCacheOptions = {
  /** How many channel-hours to keep (least recently used go first). */
  maxHours: number;
  /** How long a cached hour is trusted; a late write shows within this time at worst. */
  ttlMs: number;
  /** How long after its end an hour is taken as final. */
  sealAfterMs: number;
};

/**
 * Sums of hours that are over. Error rows are written when a send ends, so an hour's rows stop
 * changing once the hour is past; only outcomes held back by a database outage can land later.
 * Those make an hour "sealed" only some minutes after it ends, and every entry expires, so a late
 * write shows within `ttlMs`. The cache keeps a 30-day chart from re-reading ~700k rows on every
 * view and every live refresh.
 */
export class SealedHourCache {
  private readonly entries = new Map<string, { cells: readonly HourCell[]; expiresAt: number }>();

  constructor(private readonly options: SealedHourCacheOptions) {}

  /** Whether the hour starting at `hourStart` is final enough to be cached at `now`. */
  isSealed(hourStart: number, now: number): boolean {
    return hourStart + HOUR_MS <= now - this.options.sealAfterMs;
  }

  /** The cached sums of an hour, or undefined when they are not cached or too old. */
  get(key: string, now: number): readonly HourCell[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    // Re-inserted: a Map keeps insertion order, so the first key is the least recently used.
    this.entries.set(key, entry);
    return entry.cells;
  }

  /** Keeps an hour's sums until they expire or the least recently used make room. */
  set(key: string, cells: readonly HourCell[], now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { cells, expiresAt: now + this.options.ttlMs });
    while (this.entries.size > this.options.maxHours) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The settings the app uses: ten minutes to seal and to expire, about a month each for 100 channels. */
export const DEFAULT_HOUR_CACHE_OPTIONS: SealedHourCacheOptions = {
  maxHours: 100 * 31 * 24,
  ttlMs: 10 * MINUTE_MS,
  sealAfterMs: 10 * MINUTE_MS,
};
