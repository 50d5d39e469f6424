import { useTranslations } from "next-intl";
import { StatusLabel } from "@/components/ui/status-label";
import { formatMs } from "@/lib/console/labels";
import { EventStatus, isAwaitingFirstOutcome } from "@/lib/delivery/lifecycle";
import type { RecentEvent } from "@/lib/console/simulator";

/**
 * How a simulated event's delivery went, as the Simulator lists it. The reason and detail of a
 * failure are for those who may read the delivery settings (`showDetail`); Testers see "Failed".
 * The reason and detail are LINE's own words, the same in every language.
 */
export function SimulatorOutcome({ event, showDetail }: { event: Pick<RecentEvent, "status" | "last">; showDetail: boolean }) {
  const t = useTranslations("simulator.outcome");
  if (event.status === EventStatus.skipped) return <StatusLabel tone="muted">{t("skipped")}</StatusLabel>;
  if (isAwaitingFirstOutcome(event.status) || !event.last) return <StatusLabel tone="muted">{t("sending")}</StatusLabel>;
  const last = event.last;
  // A failure with no reason is a send the URL policy refused; its detail says why.
  const said = last.reason ? `${last.reason} · ${last.detail}` : last.success ? null : last.detail;
  const why = showDetail && said ? said : null;
  if (event.status === EventStatus.retrying) {
    return <StatusLabel tone="danger">{why ? t("retryingBecause", { why }) : t("retrying")}</StatusLabel>;
  }
  if (event.last.success) {
    return <StatusLabel tone="success">{t("delivered", { status: String(event.last.statusCode), duration: formatMs(event.last.durationMs) })}</StatusLabel>;
  }
  return <StatusLabel tone="danger">{why ? t("failedBecause", { why }) : t("failed")}</StatusLabel>;
}
