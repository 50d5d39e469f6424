import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { NavLink } from "@/components/ui/nav-link";
import { listProviders } from "@/lib/console/providers";
import { canSeeSystem } from "@/lib/operations/system";
import { requireUser } from "@/lib/auth/session";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const [providers, showSystem] = await Promise.all([listProviders(user.id), canSeeSystem(user)]);
  return (
    <>
      <header className="topbar">
        <Link href="/providers" className="brand">
          <span className="brand-mark">LINE</span> Webhook Console
        </Link>
        <div className="topbar-user">
          <Link href="/account" aria-label={`Account of ${user.email}`}>
            {user.email}
          </Link>
          <SignOutButton />
        </div>
      </header>
      <div className="shell">
        <nav className="sidebar" aria-label="Providers">
          <div className="sidebar-title">Providers</div>
          <NavLink href="/providers" exact>
            All providers
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
              System
            </NavLink>
          )}
        </nav>
        <main className="main">{children}</main>
      </div>
    </>
  );
}
