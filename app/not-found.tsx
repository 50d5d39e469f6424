import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const t = await getTranslations("app.notFound");
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>{t("title")}</h1>
        <p className="muted">{t("body")}</p>
        <Link href="/providers">{t("back")}</Link>
      </div>
    </main>
  );
}
