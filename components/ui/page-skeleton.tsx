import { useTranslations } from "next-intl";

/**
 * What a page shows while its data loads: grey bars shaped like its heading and cards. The bars
 * are hidden from screen readers, which hear "Loading…" instead.
 *
 * `cards` gives the number of lines in each card, top to bottom; `hasHeading` adds the page's
 * title and subtitle (a channel's tabs have theirs in the channel layout, already shown).
 */
export function PageSkeleton({ cards, hasHeading = false }: { cards: readonly number[]; hasHeading?: boolean }) {
  const t = useTranslations("common");
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">
        {t("loading")}
      </span>
      <div aria-hidden="true">
        {hasHeading && (
          <div className="page-head">
            <div>
              <div className="skeleton-bar skeleton-title" />
              <div className="skeleton-bar skeleton-subtitle" />
            </div>
          </div>
        )}
        {cards.map((lines, i) => (
          <div key={i} className="card">
            <div className="skeleton-bar skeleton-heading" />
            {Array.from({ length: lines }, (_, line) => (
              <div key={line} className="skeleton-bar skeleton-line" />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
