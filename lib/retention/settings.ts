import { env } from "../env";

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long each kind of record is kept, in days, as RETENTION_*_DAYS set them. */
export type RetentionSettings = { eventsDays: number; errorStatisticsDays: number; emailsDays: number };

/** The retention settings from the environment (14, 400 and 30 days unless set). */
export function retentionSettings(): RetentionSettings {
  const config = env();
  return {
    eventsDays: config.retentionEventsDays,
    errorStatisticsDays: config.retentionErrorStatisticsDays,
    emailsDays: config.retentionEmailsDays,
  };
}

/** The instants before which each kind of record is no longer kept, at `now`. */
export type RetentionCutoffs = { events: number; errorStatistics: number; emails: number };

/** Where each retention window starts at `now`. */
export function retentionCutoffs(settings: RetentionSettings, now: number): RetentionCutoffs {
  return {
    events: now - settings.eventsDays * DAY_MS,
    errorStatistics: now - settings.errorStatisticsDays * DAY_MS,
    emails: now - settings.emailsDays * DAY_MS,
  };
}
