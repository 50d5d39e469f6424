"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { sendAsCurlAction, sendEditedEventAction } from "@/app/(console)/channels/[channelId]/log/actions";

/** Copy as cURL and Download JSON: the send as a command the bot's own signature check accepts, and as a file. */
export function SendExport({ channelId, attemptId }: { channelId: string; attemptId: number }) {
  const t = useTranslations("tools");
  const [command, setCommand] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, startTransition] = useTransition();
  return (
    <div className="stack">
      <div className="log-filter-actions">
        <button
          className="button"
          type="button"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              const result = await sendAsCurlAction(channelId, attemptId);
              if (!result.ok) return setError(result.error);
              setError(null);
              setCommand(result.data);
              // The clipboard needs a secure context; the command is shown either way.
              setCopied(await navigator.clipboard?.writeText(result.data).then(() => true, () => false) ?? false);
            })
          }
        >
          {t("copyCurl")}
        </button>
        <a className="button" href={`/api/channels/${channelId}/attempts/${attemptId}`} download>
          {t("downloadJson")}
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {command !== null && (
        <>
          <p className="small muted">
            {copied ? `${t("copiedPrefix")} ` : ""}
            {t("curlHelp")}
          </p>
          <pre className="mono small pre-wrap" data-testid="curl-command">
            {command}
          </pre>
        </>
      )}
    </div>
  );
}

/**
 * Edit and send (Admins): the event's JSON in a text box, checked by LINE's webhook schema on the
 * server, re-signed and sent as a test send that is marked as edited and never counted.
 */
export function EditAndSend({ channelId, eventJson, warning }: { channelId: string; eventJson: string; warning: string | null }) {
  const t = useTranslations("tools");
  const [text, setText] = useState(eventJson);
  const [result, setResult] = useState<{ message: string; warning: string | null; success: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="stack">
      {warning && (
        <p className="error" data-testid="reply-token-warning">
          {warning}
        </p>
      )}
      <label className="we-label" htmlFor="edited-event">
        {t("eventJson")}
      </label>
      <textarea id="edited-event" className="mono small" rows={16} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      <div>
        <button
          className="button primary"
          type="button"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              const sent = await sendEditedEventAction(channelId, text);
              if (!sent.ok) {
                setResult(null);
                return setError(sent.error);
              }
              setError(null);
              setResult(sent.data);
            })
          }
        >
          {t("sendEdited")}
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="edit-error">
          {error}
        </p>
      )}
      {result && (
        <div data-testid="edit-result">
          <p className={result.success ? "notice" : "error"}>{t("sentAsTest", { message: result.message })}</p>
          {result.warning && <p className="error">{result.warning}</p>}
        </div>
      )}
    </div>
  );
}
