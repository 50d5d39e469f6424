"use client";

import { useTranslations } from "next-intl";
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
  const t = useTranslations("tokens");
  const common = useTranslations("common");
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
    const name = token.label || t("thisToken");
    if (!window.confirm(t("revokeConfirm", { name }))) return;
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
    <section className="card" aria-label={t("aria")}>
      <h2>{t("title")}</h2>
      <p className="muted small">{t.rich("hint", { code: (chunks) => <code>{chunks}</code> })}</p>
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
            aria-label={t("labelAria")}
            placeholder={t("labelPlaceholder")}
            maxLength={100}
            value={label}
            onChange={(event) => setLabel(event.target.value)}
            style={{ maxWidth: 260 }}
          />
          <button className="button primary" type="submit" disabled={pending}>
            {t("issue")}
          </button>
        </form>
      )}
      {issued && (
        <div className="notice stack" role="status" style={{ marginTop: 12 }}>
          <strong>{t("copyNow")}</strong>
          <div className="row">
            <input
              ref={tokenField}
              type="text"
              readOnly
              aria-label={t("newTokenAria")}
              data-testid="issued-token"
              className="mono"
              value={issued}
              onFocus={(event) => event.currentTarget.select()}
              style={{ flex: 1, minWidth: 0 }}
            />
            <button className="button" type="button" onClick={copy}>
              {copied ? common("copied") : common("copy")}
            </button>
            <button className="button" type="button" onClick={() => setIssued(null)}>
              {t("done")}
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
          {t("none")}
        </p>
      ) : (
        <table style={{ marginTop: 12 }}>
          <thead>
            <tr>
              <th>{t("label")}</th>
              <th>{t("issued")}</th>
              <th>{t("expires")}</th>
              {canManage && <th aria-label={common("actions")} />}
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} data-testid="access-token">
                <td>{token.label || <span className="muted">{t("noLabel")}</span>}</td>
                <td className="mono">{token.issuedAt}</td>
                <td className="mono">{token.expiresAt ?? t("never")}</td>
                {canManage && (
                  <td style={{ textAlign: "right" }}>
                    <button
                      className="button danger"
                      type="button"
                      disabled={pending}
                      aria-label={t("revokeAria", { name: token.label || t("issuedAt", { at: token.issuedAt }) })}
                      onClick={() => revoke(token)}
                    >
                      {t("revoke")}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!canManage && <p className="muted small">{t("adminsOnly")}</p>}
    </section>
  );
}
