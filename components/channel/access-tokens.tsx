"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { issueAccessTokenAction, revokeAccessTokenAction } from "@/app/(console)/channels/[channelId]/actions";

/** One working token as the page lists it; dates are already in UTC+9 words. */
export type AccessTokenRow = { id: string; label: string; issuedAt: string; expiresAt: string | null };

/**
 * The channel access tokens of the Messaging API tab. Admins issue long-lived tokens, each shown
 * once, and revoke tokens; Members only see the list.
 */
export function AccessTokens({
  channelId,
  tokens,
  canManage,
}: {
  channelId: string;
  tokens: AccessTokenRow[];
  canManage: boolean;
}) {
  const router = useRouter();
  const [label, setLabel] = useState("");
  const [issued, setIssued] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const tokenField = useRef<HTMLInputElement>(null);

  function issue() {
    setError(null);
    setCopied(false);
    startTransition(async () => {
      const result = await issueAccessTokenAction(channelId, label);
      if (!result.ok) return setError(result.error);
      setIssued(result.data.token);
      setLabel("");
      router.refresh();
    });
  }

  function revoke(token: AccessTokenRow) {
    const name = token.label || "this token";
    if (!window.confirm(`Revoke ${name}? Scripts that use it stop working at once.`)) return;
    setError(null);
    startTransition(async () => {
      const result = await revokeAccessTokenAction(channelId, token.id);
      if (!result.ok) return setError(result.error);
      router.refresh();
    });
  }

  async function copy() {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued);
      setCopied(true);
    } catch {
      // No clipboard (an http origin other than localhost, or no permission): select the token
      // so that Ctrl+C copies it.
      tokenField.current?.select();
    }
  }

  return (
    <section className="card" aria-label="Channel access token">
      <h2>Channel access token</h2>
      <p className="muted small">
        Scripts call the Messaging API with <code>Authorization: Bearer</code> and a token. Long-lived tokens never
        expire; revoke a token to stop it at once. Times are UTC+9.
      </p>
      {canManage && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            issue();
          }}
        >
          <input
            type="text"
            aria-label="Token label"
            placeholder="Label, e.g. CI"
            maxLength={100}
            value={label}
            onChange={(event) => setLabel(event.target.value)}
            style={{ maxWidth: 260 }}
          />
          <button className="button primary" type="submit" disabled={pending}>
            Issue
          </button>
        </form>
      )}
      {issued && (
        <div className="notice stack" role="status" style={{ marginTop: 12 }}>
          <strong>Copy the channel access token now: it is shown only once.</strong>
          <div className="row">
            <input
              ref={tokenField}
              type="text"
              readOnly
              aria-label="New channel access token"
              data-testid="issued-token"
              className="mono"
              value={issued}
              onFocus={(event) => event.currentTarget.select()}
              style={{ flex: 1, minWidth: 0 }}
            />
            <button className="button" type="button" onClick={copy}>
              {copied ? "Copied" : "Copy"}
            </button>
            <button className="button" type="button" onClick={() => setIssued(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="error" role="alert" style={{ marginTop: 12 }}>
          {error}
        </p>
      )}
      {tokens.length === 0 ? (
        <p className="muted" style={{ marginTop: 12 }}>
          No channel access token has been issued.
        </p>
      ) : (
        <table style={{ marginTop: 12 }}>
          <thead>
            <tr>
              <th>Label</th>
              <th>Issued</th>
              <th>Expires</th>
              {canManage && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} data-testid="access-token">
                <td>{token.label || <span className="muted">(no label)</span>}</td>
                <td className="mono">{token.issuedAt}</td>
                <td className="mono">{token.expiresAt ?? "Never (long-lived)"}</td>
                {canManage && (
                  <td style={{ textAlign: "right" }}>
                    <button
                      className="button danger"
                      type="button"
                      disabled={pending}
                      aria-label={`Revoke ${token.label || "token issued " + token.issuedAt}`}
                      onClick={() => revoke(token)}
                    >
                      Revoke
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!canManage && <p className="muted small">Only an Admin of this channel can issue or revoke tokens.</p>}
    </section>
  );
}
