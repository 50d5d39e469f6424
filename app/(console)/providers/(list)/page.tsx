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
  const [providers, t, pages] = await Promise.all([listProviders(user.id), getTranslations("providers"), getTranslations("pages")]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{pages("providers")}</h1>
          <p className="subtitle">{t("subtitle")}</p>
        </div>
      </div>
      {providers.length === 0 && <div className="card empty">{t("none")}</div>}
      {providers.map((provider) => (
        <section key={provider.id} className="card list-card">
          <h2>
            <Link href={`/providers/${provider.id}`}>{provider.name}</Link>
          </h2>
          {provider.channels.length === 0 && <p className="muted">{t("noChannels")}</p>}
          {provider.channels.map((channel) => (
            <ChannelTile key={channel.id} channel={channel} />
          ))}
        </section>
      ))}
      <section className="card">
        <h2>{t("create")}</h2>
        <CreateProviderForm />
      </section>
    </>
  );
}
