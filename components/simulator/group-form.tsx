"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { createSimulatedGroupAction } from "@/app/(console)/channels/[channelId]/actions";

type SimulatedUser = { id: string; displayName: string };

/** Makes a group (named) or a room (unnamed, at least two) of the channel's simulated users. */
export function GroupForm({
  channelId,
  users,
  onCreated,
}: {
  channelId: string;
  users: SimulatedUser[];
  onCreated: (id: string) => void;
}) {
  const t = useTranslations("simulator.groupForm");
  const [kind, setKind] = useState<"group" | "room">("group");
  const [name, setName] = useState("");
  const [members, setMembers] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="stack"
      aria-label={t("aria")}
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        startTransition(async () => {
          const input = kind === "group" ? { kind, name, userIds: members } : { kind, userIds: members };
          const result = await createSimulatedGroupAction(channelId, input);
          if (!result.ok) return setError(result.error);
          setName("");
          setMembers([]);
          onCreated(result.data.id);
        });
      }}
    >
      <div className="row">
        <select aria-label={t("kind")} value={kind} onChange={(e) => setKind(e.target.value === "room" ? "room" : "group")}>
          <option value="group">{t("group")}</option>
          <option value="room">{t("room")}</option>
        </select>
        {kind === "group" && (
          <input
            type="text"
            aria-label={t("name")}
            placeholder={t("name")}
            value={name}
            onChange={(e) => setName(e.target.value)}
            style={{ maxWidth: 220 }}
          />
        )}
        <button className="button" type="submit" disabled={pending}>
          {kind === "group" ? t("createGroup") : t("createRoom")}
        </button>
      </div>
      <div className="row" role="group" aria-label={t("members")}>
        {users.map((u) => (
          <label key={u.id} className="row">
            <input
              type="checkbox"
              checked={members.includes(u.id)}
              onChange={(e) => setMembers((current) => (e.target.checked ? [...current, u.id] : current.filter((id) => id !== u.id)))}
            />
            {u.displayName}
          </label>
        ))}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
