import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CreateChannelForm } from "@/components/providers/create-channel-form";
import { NotFoundError } from "@/lib/errors";
import { getProviderOrThrow } from "@/lib/console/providers";
import { ROLE_LABELS } from "@/lib/console/roles";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Provider" };

export default async function ProviderPage({ params }: { params: Promise<{ providerId: string }> }) {
  const { providerId } = await params;
  const user = await requireUser();
  const provider = await getProviderOrThrow(user.id, providerId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <>
      <div className="breadcrumb">
        <Link href="/providers">Providers</Link> /
      </div>
      <div className="page-head">
        <div>
          <h1>{provider.name}</h1>
          <p className="subtitle">Messaging API channels</p>
        </div>
      </div>
      <section className="card list-card">
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
      {provider.canCreateChannels && (
        <section className="card">
          <h2>Create a Messaging API channel</h2>
          <CreateChannelForm providerId={provider.id} />
        </section>
      )}
    </>
  );
}
