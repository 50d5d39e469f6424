import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { LocaleSwitch } from "@/components/i18n/locale-switch";
import { NavLink } from "@/components/ui/nav-link";
import { listProviders } from "@/lib/console/providers";
import { canSeeSystem } from "@/lib/operations/system";
import { requireUser } from "@/lib/auth/session";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const [providers, showSystem, t] = await Promise.all([listProviders(user.id), canSeeSystem(user), getTranslations("nav")]);
  return (
    <>
      <header className="topbar">
        <Link href="/providers" className="brand">
          <span className="brand-mark">LINE</span> {t("brand")}
        </Link>
        <div className="topbar-user">
          <LocaleSwitch />
          <Link href="/account" aria-label={t("accountOf", { email: user.email })}>
            {user.email}
          </Link>
          <SignOutButton />
        </div>
      </header>
      <div className="shell">
        <nav className="sidebar" aria-label={t("providers")}>
          <div className="sidebar-title">{t("providers")}</div>
          <NavLink href="/providers" exact>
            {t("allProviders")}
          </NavLink>
          {providers.map((provider) => (
            <div key={provider.id}>
              <NavLink href={`/providers/${provider.id}`} exact className="provider-link">
                {provider.name}
              </NavLink>
              <div className="sub">
                {provider.channels.map((channel) => (
                  <NavLink key={channel.id} href={`/channels/${channel.id}`}>
                    {channel.name}
                  </NavLink>
                ))}
              </div>
            </div>
          ))}
          {showSystem && (
            <NavLink href="/system" exact>
              {t("system")}
            </NavLink>
          )}
        </nav>
        <main className="main">{children}</main>
      </div>
    </>
  );
}
