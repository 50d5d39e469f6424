import type { Metadata } from "next";
import Link from "next/link";
import { ChannelTile } from "@/components/providers/channel-tile";
import { CreateChannelForm } from "@/components/providers/create-channel-form";
import { orNotFound } from "@/lib/console/or-not-found";
import { getProviderOrThrow } from "@/lib/console/providers";
import { requireUser } from "@/lib/auth/session";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("provider") };
}

export default async function ProviderPage({ params }: { params: Promise<{ providerId: string }> }) {
  const { providerId } = await params;
  const user = await requireUser();
  const [provider, t, pages] = await Promise.all([
    orNotFound(getProviderOrThrow(user.id, providerId)),
    getTranslations("providers"),
    getTranslations("pages"),
  ]);
  return (
    <>
      <div className="breadcrumb">
        <Link href="/providers">{pages("providers")}</Link> /
      </div>
      <div className="page-head">
        <div>
          <h1>{provider.name}</h1>
          <p className="subtitle">{t("channels")}</p>
        </div>
      </div>
      <section className="card list-card">
        {provider.channels.length === 0 && <p className="muted">{t("noChannels")}</p>}
        {provider.channels.map((channel) => (
          <ChannelTile key={channel.id} channel={channel} />
        ))}
      </section>
      {provider.canCreateChannels && (
        <section className="card">
          <h2>{t("createChannel")}</h2>
          <CreateChannelForm providerId={provider.id} />
        </section>
      )}
    </>
  );
}
