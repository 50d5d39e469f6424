import { useTranslations } from "next-intl";
import { LocaleSwitch } from "@/components/i18n/locale-switch";

/** The card the pages before sign-in are drawn in: sign in, an invitation, a reset link. */
export function AuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  const t = useTranslations("nav");
  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <div className="brand auth-brand">
          <span>
            <span className="brand-mark">LINE</span> {t("brand")}
          </span>
          <LocaleSwitch />
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
