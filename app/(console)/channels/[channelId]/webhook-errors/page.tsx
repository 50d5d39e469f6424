import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { loadChannelPage } from "@/lib/channel-page";
import { canReadSettings } from "@/lib/roles";

export const metadata: Metadata = { title: "Webhook errors" };

export default async function WebhookErrorsPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const { channel } = await loadChannelPage(channelId);
  if (!canReadSettings(channel.role)) notFound();
  if (!channel.errorStatisticsAggregation) {
    return (
      <section className="card">
        <h2>Webhook errors</h2>
        <p>
          Error statistics aggregation is off, so no errors are being counted. Turn it on in{" "}
          <Link href={`/channels/${channel.id}/messaging-api`}>Messaging API</Link>.
        </p>
      </section>
    );
  }
  return (
    <section className="card">
      <h2>Webhook errors</h2>
      <p className="muted">Error statistics are being aggregated. All times are UTC+9.</p>
      <p className="empty">No webhook errors have been recorded yet.</p>
    </section>
  );
}
