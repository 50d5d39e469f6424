import type { Metadata } from "next";
import Link from "next/link";
import { SimulatorPanel } from "@/components/simulator/simulator-panel";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { loadChannelPage } from "@/lib/console/request";
import { EventStatus, isAwaitingFirstOutcome } from "@/lib/delivery/lifecycle";
import { can } from "@/lib/console/access";
import { listRecentSimulatorEvents, listSimulatedUsers, type RecentEvent } from "@/lib/console/simulator";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Simulator" };

function Outcome({ event, showDetail }: { event: RecentEvent; showDetail: boolean }) {
  if (event.status === EventStatus.skipped) return <span className="muted">Not sent: Use webhook is off</span>;
  if (isAwaitingFirstOutcome(event.status) || !event.last) return <span className="muted">Sending…</span>;
  if (event.status === EventStatus.retrying) {
    return (
      <span style={{ color: "var(--danger)" }}>
        Failed{showDetail && event.last.reason ? ` · ${event.last.reason} · ${event.last.detail}` : ""} · redelivery
        scheduled
      </span>
    );
  }
  if (event.last.success) {
    return (
      <span style={{ color: "#05603a" }}>
        Delivered · {event.last.statusCode} · {Math.round(event.last.durationMs)} ms
      </span>
    );
  }
  return (
    <span style={{ color: "var(--danger)" }}>
      Failed{showDetail && event.last.reason ? ` · ${event.last.reason} · ${event.last.detail}` : ""}
    </span>
  );
}

export default async function SimulatorPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const [users, recent] = await Promise.all([listSimulatedUsers(access), listRecentSimulatorEvents(access)]);
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const showDetail = can(access, "read");
  return (
    <>
      {!channel.useWebhook && (
        <p className="notice">
          Use webhook is off, so events are recorded but not sent. Turn it on in{" "}
          <Link href={`/channels/${channel.id}/messaging-api`}>Messaging API</Link>.
        </p>
      )}
      <SimulatorPanel channelId={channel.id} users={users} />
      <section className="card" aria-label="Recent webhooks">
        <h2>Recent webhooks</h2>
        <AutoRefresh active={recent.events.some((e) => isAwaitingFirstOutcome(e.status))} />
        {recent.events.length === 0 ? (
          <p className="muted">Nothing sent yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Time (UTC+9)</th>
                <th>User</th>
                <th>Event</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {recent.events.map((event) => (
                <tr key={event.webhookEventId} data-testid="simulator-event">
                  <td className="mono">{formatUtc9(event.createdAt)}</td>
                  <td>{names.get(event.userId) ?? event.userId}</td>
                  <td>
                    <strong>{event.type}</strong> {event.summary && <span className="muted">{event.summary}</span>}
                  </td>
                  <td data-testid="simulator-outcome">
                    <Outcome event={event} showDetail={showDetail} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
