import type { Metadata } from "next";
import Link from "next/link";
import { ChannelTile } from "@/components/providers/channel-tile";
import { CreateProviderForm } from "@/components/providers/create-provider-form";
import { listProviders } from "@/lib/console/providers";
import { requireUser } from "@/lib/auth/session";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("providers") };
}

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
            <ChannelTile key={channel.id} channel={channel} />
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
