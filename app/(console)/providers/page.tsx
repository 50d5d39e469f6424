import type { Metadata } from "next";
import Link from "next/link";
import { CreateProviderForm } from "@/components/providers/create-provider-form";
import { listProviders } from "@/lib/console/providers";
import { ROLE_LABELS } from "@/lib/console/roles";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Providers" };

export default async function ProvidersPage() {
  const user = await requireUser();
  const providers = await listProviders(user.id);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Providers</h1>
          <p className="subtitle">A provider holds your channels. Open a channel to set up its webhook.</p>
        </div>
      </div>
      {providers.length === 0 && <div className="card empty">You have no providers yet. Create one below.</div>}
      {providers.map((provider) => (
        <section key={provider.id} className="card list-card">
          <h2>
            <Link href={`/providers/${provider.id}`}>{provider.name}</Link>
          </h2>
          {provider.channels.length === 0 && <p className="muted">No channels yet.</p>}
          {provider.channels.map((channel) => (
            <Link key={channel.id} href={`/channels/${channel.id}`} className="channel-tile">
              <span>
                <strong>{channel.name}</strong> <span className="muted mono">{channel.id}</span>
              </span>
              <span className={`badge ${channel.role === "ADMIN" ? "admin" : ""}`}>{ROLE_LABELS[channel.role]}</span>
            </Link>
          ))}
        </section>
      ))}
      <section className="card">
        <h2>Create a provider</h2>
        <CreateProviderForm />
      </section>
    </>
  );
}
