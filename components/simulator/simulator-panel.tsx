"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  createSimulatedUserAction,
  sendSimulatedEventAction,
} from "@/app/(console)/channels/[channelId]/actions";

type SimulatedUser = { id: string; displayName: string };

/** A simulated user's side of the chat: pick or create a user, then message, follow, unfollow or postback. */
export function SimulatorPanel({ channelId, users }: { channelId: string; users: SimulatedUser[] }) {
  const router = useRouter();
  const [selected, setSelected] = useState(users[0]?.id ?? "");
  const [text, setText] = useState("");
  const [data, setData] = useState("action=buy&itemid=1");
  const [newName, setNewName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const userId = users.some((u) => u.id === selected) ? selected : (users[0]?.id ?? "");

  function send(spec: Record<string, unknown>, after?: () => void) {
    setError(null);
    startTransition(async () => {
      const result = await sendSimulatedEventAction(channelId, { ...spec, userId });
      if (!result.ok) return setError(result.error);
      after?.();
      router.refresh();
    });
  }

  return (
    <section className="card">
      <h2>Simulated user</h2>
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
            <select aria-label="Simulated user" value={userId} onChange={(e) => setSelected(e.target.value)} style={{ maxWidth: 340 }}>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.id.slice(0, 9)}…)
                </option>
              ))}
            </select>
          )}
          <input
            type="text"
            aria-label="New user's display name"
            placeholder="New user's display name"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            style={{ maxWidth: 220 }}
          />
          <button className="button" type="submit" disabled={pending}>
            Add user
          </button>
        </form>
        {users.length === 0 ? (
          <p className="muted">Add a simulated user to start chatting with your bot.</p>
        ) : (
          <>
            <form
              className="row"
              onSubmit={(event) => {
                event.preventDefault();
                send({ type: "message", text }, () => setText(""));
              }}
            >
              <input
                type="text"
                aria-label="Message text"
                placeholder="Type a message"
                value={text}
                onChange={(e) => setText(e.target.value)}
                style={{ maxWidth: 420 }}
              />
              <button className="button primary" type="submit" disabled={pending || text.trim() === ""}>
                Send message
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
                aria-label="Postback data"
                value={data}
                onChange={(e) => setData(e.target.value)}
                style={{ maxWidth: 420 }}
              />
              <button className="button" type="submit" disabled={pending || data.trim() === ""}>
                Send postback
              </button>
            </form>
            <div className="row">
              <button className="button" type="button" disabled={pending} onClick={() => send({ type: "follow" })}>
                Follow
              </button>
              <button className="button" type="button" disabled={pending} onClick={() => send({ type: "unfollow" })}>
                Unfollow
              </button>
            </div>
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
