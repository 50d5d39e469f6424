import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { SimulatorOutcome } from "@/components/simulator/simulator-outcome";
import { describeChat } from "@/components/simulator/event-kinds";
import { SimulatorPanel } from "@/components/simulator/simulator-panel";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { LiveUpdates } from "@/components/webhook-errors/live-updates";
import { DataTable } from "@/components/ui/data-table";
import { loadChannelPage } from "@/lib/console/request";
import { isAwaitingFirstOutcome } from "@/lib/delivery/lifecycle";
import { can } from "@/lib/console/access";
import { getConversationsStamp, listConversations } from "@/lib/console/conversations";
import { listRecentSimulatorEvents, listSimulatedGroups, listSimulatedUsers } from "@/lib/console/simulator";
import { formatUtc9 } from "@/lib/time";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("simulator"))("title") };
}

export default async function SimulatorPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const [users, groups, recent, conversations, stamp, t, locale] = await Promise.all([
    listSimulatedUsers(access),
    listSimulatedGroups(access),
    listRecentSimulatorEvents(access),
    listConversations(access),
    getConversationsStamp(access),
    getTranslations("simulator"),
    getLocale(),
  ]);
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const chats = new Map(groups.map((g) => [g.id, describeChat(g, names, t)]));
  const chatName = (id: string) => chats.get(id) ?? id;
  const sentMessages = recent.events.flatMap((e) =>
    e.messageId ? [{ messageId: e.messageId, summary: e.summary, userId: e.userId, chatId: e.chatId }] : [],
  );
  const showDetail = can(access, "read");
  return (
    <>
      {!channel.useWebhook && (
        <p className="notice">
          {t.rich("webhookOff", { link: (chunks) => <Link href={`/channels/${channel.id}/messaging-api`}>{chunks}</Link> })}
        </p>
      )}
      {/* The bot's replies and pushes come in without a reload. */}
      <LiveUpdates stampUrl={`/api/channels/${channel.id}/simulator/stamp`} stamp={stamp} intervalMs={1000} />
      <SimulatorPanel
        channelId={channel.id}
        users={users}
        groups={groups}
        sentMessages={sentMessages}
        conversations={conversations}
        showDetail={showDetail}
      />
      <section className="card" aria-label={t("recent.title")}>
        <h2>{t("recent.title")}</h2>
        <AutoRefresh active={recent.events.some((e) => isAwaitingFirstOutcome(e.status))} />
        <DataTable
          headers={[t("recent.time"), t("recent.from"), t("recent.event"), t("recent.outcome")]}
          rows={recent.events}
          rowKey={(event) => event.webhookEventId}
          rowTestId="simulator-event"
          empty={t("recent.empty")}
        >
          {(event) => (
            <>
              <td className="mono">{formatUtc9(event.createdAt, locale)}</td>
              <td>
                {event.userId && (names.get(event.userId) ?? event.userId)}
                {event.chatId && (
                  <span className="muted">
                    {" "}
                    {event.userId ? t("recent.inChat", { chat: chatName(event.chatId) }) : chatName(event.chatId)}
                  </span>
                )}
              </td>
              <td>
                <strong>{event.type}</strong> {event.summary && <span className="muted">{event.summary}</span>}
                {event.memberIds.length > 0 && (
                  <span className="muted"> {event.memberIds.map((id) => names.get(id) ?? id).join(", ")}</span>
                )}
              </td>
              <td data-testid="simulator-outcome">
                <SimulatorOutcome event={event} showDetail={showDetail} />
              </td>
            </>
          )}
        </DataTable>
      </section>
    </>
  );
}
