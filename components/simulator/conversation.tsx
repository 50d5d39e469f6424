"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import type { ChatEntry } from "@/lib/console/conversations";
import type { MessageAction } from "@/lib/messaging/message-schema";
import { ActionButton, BotMessageView, UserMessageView } from "./chat-message";
import { SimulatorOutcome } from "./simulator-outcome";
import "./conversation.css";

/** The event a tap on a quick reply or a button sends back from the user, or null when it sends nothing. */
export function actionSpec(action: MessageAction, now: Date = new Date()): Record<string, unknown> | null {
  switch (action.type) {
    case "message":
      return { type: "message", text: action.text };
    case "postback":
      return { type: "postback", data: action.data };
    case "datetimepicker": {
      // The picker's initial value when it has one, else the moment it was tapped (UTC+9, as LINE's users see it).
      const at = new Date(now.getTime() + 9 * 3_600_000).toISOString();
      const picked = action.initial ?? { date: at.slice(0, 10), time: at.slice(11, 16), datetime: at.slice(0, 16) }[action.mode];
      return { type: "postback", data: action.data, params: { [action.mode]: picked } };
    }
    default:
      return null;
  }
}

function UserEntry({
  entry,
  channelId,
  names,
  showDetail,
}: {
  entry: Extract<ChatEntry, { from: "user" }>;
  channelId: string;
  names: ReadonlyMap<string, string>;
  showDetail: boolean;
}) {
  const t = useTranslations("simulator.chat");
  const who = entry.userId ? (names.get(entry.userId) ?? entry.userId) : null;
  const members = entry.memberIds.map((id) => names.get(id) ?? id).join(", ");
  const isMessage = entry.message !== null;
  const isPostback = entry.type === "postback";
  return (
    <div className={`chat-entry ${isMessage || isPostback ? "chat-user" : "chat-note"}`} data-testid="chat-entry" data-from="user" data-type={entry.type}>
      <div className="chat-bubble">
        {entry.message ? (
          <UserMessageView message={entry.message} />
        ) : (
          <span>
            {who && <strong>{who} </strong>}
            {entry.type}
            {entry.summary && ` ${entry.summary}`}
            {members && ` ${members}`}
          </span>
        )}
      </div>
      <div className="chat-meta">
        {isMessage && who && <span>{who}</span>}
        {entry.type === "messageEdited" && <span>{t("edited")}</span>}
        <span>{entry.time.slice(11)}</span>
        <span className="chat-outcome" data-testid="chat-outcome">
          <SimulatorOutcome event={entry.outcome} showDetail={showDetail} />
        </span>
        {showDetail && entry.outcome.attemptId !== null && (
          <Link href={`/channels/${channelId}/log/${entry.outcome.attemptId}`}>{t("seeSend")}</Link>
        )}
      </div>
    </div>
  );
}

/**
 * One simulated chat, as LINE shows it: what the users did on the right (with each webhook's
 * outcome and a link to its send), what the bot sent on the left, and a send the Messaging API
 * refused where its messages would have been. The quick reply of the bot's latest message, and
 * the buttons of its templates and flex messages, send their message or postback back through
 * `onSend`, from the selected user.
 */
export function Conversation({
  channelId,
  entries,
  names,
  showDetail,
  pending,
  onSend,
}: {
  channelId: string;
  entries: readonly ChatEntry[];
  names: ReadonlyMap<string, string>;
  showDetail: boolean;
  pending: boolean;
  onSend: (spec: Record<string, unknown>) => void;
}) {
  const t = useTranslations("simulator.chat");
  const end = useRef<HTMLDivElement>(null);
  const latestKey = entries.at(-1)?.key;
  useEffect(() => {
    const window = end.current?.parentElement;
    if (window) window.scrollTop = window.scrollHeight;
  }, [latestKey]);

  // LINE shows a quick reply only under the bot's latest message, until the user does something.
  const lastUser = entries.findLastIndex((e) => e.from === "user");
  const lastBot = entries.findLastIndex((e) => e.from === "bot");
  const onAction = (action: MessageAction) => {
    const spec = actionSpec(action);
    if (spec) onSend(spec);
  };

  return (
    <div className="chat-window" aria-label={t("aria")} data-testid="chat">
      {entries.length === 0 && <p className="chat-empty">{t("empty")}</p>}
      {entries.map((entry, i) => {
        if (entry.from === "user") {
          return <UserEntry key={entry.key} entry={entry} channelId={channelId} names={names} showDetail={showDetail} />;
        }
        if (entry.from === "refused") {
          return (
            <div key={entry.key} className="chat-entry chat-bot chat-refused" data-testid="chat-entry" data-from="refused">
              <div className="chat-bubble">
                <strong>{t("refused", { kind: t(`sendKinds.${entry.sendKind}`), status: entry.status })}</strong>{" "}
                <span data-testid="refusal-message">{entry.error.message}</span>
                {entry.error.details && entry.error.details.length > 0 && (
                  <ul className="chat-details">
                    {entry.error.details.map((d, j) => (
                      <li key={j}>
                        {d.property && <span className="mono">{d.property}</span>} {d.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="chat-meta">
                <span>{entry.time.slice(11)}</span>
              </div>
            </div>
          );
        }
        const quickReply = i === lastBot && lastBot > lastUser ? entry.message.quickReply : undefined;
        return (
          <div key={entry.key} className="chat-entry chat-bot" data-testid="chat-entry" data-from="bot" data-type={entry.message.type}>
            <div className="chat-bubble">
              <BotMessageView message={entry.message} onAction={onAction} disabled={pending} />
            </div>
            <div className="chat-meta">
              <span>{entry.message.sender?.name ?? t("bot")}</span>
              <span>{t(`sendKinds.${entry.sendKind}`)}</span>
              <span>{entry.time.slice(11)}</span>
            </div>
            {quickReply && (
              <div className="chat-quick-replies" data-testid="quick-replies">
                {quickReply.items.map((item, j) => (
                  <ActionButton key={j} action={item.action} onAction={onAction} disabled={pending} />
                ))}
              </div>
            )}
          </div>
        );
      })}
      <div ref={end} />
    </div>
  );
}
