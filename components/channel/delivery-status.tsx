import { useLocale, useTranslations } from "next-intl";
import { formatUtc9 } from "@/lib/time";
import type { ChannelDeliveryStatus } from "@/lib/operations/delivery-state";

/** The light on every channel page: whether the console sends events, and this channel's backlog. */
export function DeliveryStatus({ status }: { status: ChannelDeliveryStatus }) {
  const t = useTranslations("delivery");
  const locale = useLocale();
  const { isRunning, stoppedSince, backlog } = status;
  const state = isRunning ? t("running") : stoppedSince ? t("stoppedSince", { since: formatUtc9(stoppedSince, locale) }) : t("stopped");
  return (
    <p className={isRunning ? "delivery-light running" : "delivery-light stopped"} data-testid="delivery-status">
      <span className="delivery-dot" aria-hidden="true" />
      {state} · {t("waiting", { count: backlog })}
    </p>
  );
}
