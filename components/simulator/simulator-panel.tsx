"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  createSimulatedUserAction,
  sendSimulatedEventAction,
} from "@/app/(console)/channels/[channelId]/actions";
import type { Conversations } from "@/lib/console/conversations";
import { Conversation } from "./conversation";
import { chatFields, describeChat, type SelectedChat, type SimulatedGroup } from "./event-kinds";
import { GroupForm } from "./group-form";
import { MoreEvents } from "./more-events";

type SimulatedUser = { id: string; displayName: string };
/** A message sent from the Simulator earlier: what an unsend or an edit can name. */
export type SentMessage = { messageId: string; summary: string; userId: string | null; chatId: string | null };

/**
 * A simulated user's side of the chat: pick or create a user and where they are (their one-to-one
 * chat with the bot, a group or a room), see the chat there, then message, postback, follow,
 * unfollow, or send any other event LINE sends.
 */
export function SimulatorPanel({
  channelId,
  users,
  groups,
  sentMessages,
  conversations,
  showDetail,
}: {
  channelId: string;
  users: SimulatedUser[];
  groups: SimulatedGroup[];
  sentMessages: SentMessage[];
  conversations: Conversations;
  /** Whether the viewer may see a failed send's reason and its page in the Delivery log. */
  showDetail: boolean;
}) {
  const t = useTranslations("simulator");
  const router = useRouter();
  const [selected, setSelected] = useState(users[0]?.id ?? "");
  const [chatId, setChatId] = useState("");
  const [text, setText] = useState("");
  const [data, setData] = useState("action=buy&itemid=1");
  const [newName, setNewName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const userId = users.some((u) => u.id === selected) ? selected : (users[0]?.id ?? "");
  const group = groups.find((g) => g.id === chatId);
  const chat: SelectedChat = group ? { type: group.kind, id: group.id, memberIds: group.memberIds } : { type: "user" };
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const earlierMessages = sentMessages.filter((m) => m.userId === userId && m.chatId === (group?.id ?? null));

  function sendSpec(spec: Record<string, unknown>, after?: () => void) {
    setError(null);
    startTransition(async () => {
      const result = await sendSimulatedEventAction(channelId, spec);
      if (!result.ok) return setError(result.error);
      after?.();
      router.refresh();
    });
  }

  /** Sends what the selected user does where they are. */
  function send(spec: Record<string, unknown>, after?: () => void) {
    sendSpec({ ...spec, userId, ...chatFields(chat) }, after);
  }

  return (
    <section className="card">
      <h2>{t("panel.title")}</h2>
      <div className="stack">
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            setError(null);
            startTransition(async () => {
              const result = await createSimulatedUserAction(channelId, newName);
              if (!result.ok) return setError(result.error);
              setNewName("");
              setSelected(result.data.id);
              router.refresh();
            });
          }}
        >
          {users.length > 0 && (
            <select aria-label={t("panel.user")} value={userId} onChange={(e) => setSelected(e.target.value)} style={{ maxWidth: 340 }}>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.id.slice(0, 9)}…)
                </option>
              ))}
            </select>
          )}
          {users.length > 0 && (
            <select aria-label={t("panel.chat")} value={group?.id ?? ""} onChange={(e) => setChatId(e.target.value)} style={{ maxWidth: 340 }}>
              <option value="">{t("panel.oneToOne")}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {describeChat(g, names, t)}
                </option>
              ))}
            </select>
          )}
          <input
            type="text"
            aria-label={t("panel.newUserName")}
            placeholder={t("panel.newUserName")}
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            style={{ maxWidth: 220 }}
          />
          <button className="button" type="submit" disabled={pending}>
            {t("panel.addUser")}
          </button>
        </form>
        {users.length === 0 ? (
          <p className="muted">{t("panel.noUsers")}</p>
        ) : (
          <>
            <Conversation
              channelId={channelId}
              entries={conversations[group?.id ?? userId] ?? []}
              names={names}
              showDetail={showDetail}
              pending={pending}
              onSend={(spec) => send(spec)}
            />
            <form
              className="row"
              onSubmit={(event) => {
                event.preventDefault();
                send({ type: "message", text }, () => setText(""));
              }}
            >
              <input
                type="text"
                aria-label={t("panel.messageText")}
                placeholder={t("panel.typeMessage")}
                value={text}
                onChange={(e) => setText(e.target.value)}
                style={{ maxWidth: 420 }}
              />
              <button className="button primary" type="submit" disabled={pending || text.trim() === ""}>
                {t("panel.sendMessage")}
              </button>
            </form>
            <form
              className="row"
              onSubmit={(event) => {
                event.preventDefault();
                send({ type: "postback", data });
              }}
            >
              <input
                type="text"
                aria-label={t("panel.postbackData")}
                value={data}
                onChange={(e) => setData(e.target.value)}
                style={{ maxWidth: 420 }}
              />
              <button className="button" type="submit" disabled={pending || data.trim() === ""}>
                {t("panel.sendPostback")}
              </button>
            </form>
            {chat.type === "user" && (
              <div className="row">
                <button className="button" type="button" disabled={pending} onClick={() => send({ type: "follow" })}>
                  {t("panel.follow")}
                </button>
                <button className="button" type="button" disabled={pending} onClick={() => send({ type: "unfollow" })}>
                  {t("panel.unfollow")}
                </button>
              </div>
            )}
            <MoreEvents
              key={chat.type}
              context={{ userId, chat, names, earlierMessages }}
              pending={pending}
              onSend={(spec) => sendSpec(spec)}
            />
            <h3>{t("panel.groupsAndRooms")}</h3>
            <GroupForm
              channelId={channelId}
              users={users}
              onCreated={(id) => {
                setChatId(id);
                router.refresh();
              }}
            />
          </>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
