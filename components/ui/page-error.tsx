"use client";

import { useTranslations } from "next-intl";

/**
 * What a page shows when it could not be loaded: a plain sentence and a button that loads it
 * again. The error's own message is never shown: a server error's text is for the server's log,
 * and the digest, when there is one, is what finds it there.
 */
export function PageError({ title, error, retry }: { title: string; error: unknown; retry: () => void }) {
  const t = useTranslations("common");
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <p role="alert">{t("pageError")}</p>
      {digest && <p className="muted small">{t("pageErrorReference")} <span className="mono">{digest}</span></p>}
      <button type="button" className="button" onClick={retry}>
        {t("tryAgain")}
      </button>
    </section>
  );
}
