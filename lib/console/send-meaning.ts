import { DEFAULT_LOCALE, type Locale } from "../i18n/locales";
import { translator } from "../i18n/messages";
import { explainFailure, isReason } from "../webhook/reasons";

/** LINE's deadline for a complete 2xx response, as the sentences name it. */
const DEADLINE_MS = 2000;

/** Past this share of the deadline a success is called close to it. */
const CLOSE_SHARE = 0.75;

/** How sentences follow one another: English leaves a space, Japanese none. */
export function sentenceGap(locale: Locale): string {
  return locale === "ja" ? "" : " ";
}

/**
 * What a send's outcome means for the bot, in a sentence or two in `locale`: LINE's reason and
 * detail explained, and what LINE does next and what the bot can do about it.
 */
export function sendMeaning(
  send: {
    kind: string;
    success: boolean;
    statusCode: number | null;
    reason: string | null;
    detail: string | null;
    durationMs: number;
  },
  locale: Locale = DEFAULT_LOCALE,
): string {
  const t = translator(locale, "meaning");
  const gap = sentenceGap(locale);
  const ms = Math.round(send.durationMs);
  if (send.success) {
    const margin = DEADLINE_MS - ms;
    const answered = t("success", { status: String(send.statusCode), ms, margin, isEvent: send.kind === "event" ? "yes" : "no" });
    return ms > DEADLINE_MS * CLOSE_SHARE ? `${answered}${gap}${t("close", { margin })}` : answered;
  }
  if (send.reason === null || !isReason(send.reason)) {
    return t("refused", { detail: send.detail ?? t("refusedDefault") });
  }
  const explained = explainFailure({ reason: send.reason, detail: send.detail ?? "" }, locale);
  const next = send.kind === "event" ? t("nextEvent") : t("nextOther");
  return [t("failure", { reason: send.reason, detail: send.detail ?? "", explained }), next, t(`advice.${send.reason}`)].join(gap);
}
