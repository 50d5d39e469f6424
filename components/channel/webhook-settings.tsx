"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  setWebhookSettingAction,
  updateWebhookUrlAction,
  verifyWebhookAction,
} from "@/app/(console)/channels/[channelId]/actions";
import { Switch } from "@/components/ui/switch";
import type { VerifyResult, WebhookSetting as SettingKey } from "@/lib/console/webhook-settings";

type Settings = {
  webhookUrl: string | null;
  useWebhook: boolean;
  webhookRedelivery: boolean;
  errorStatisticsAggregation: boolean;
};

type Verification = ({ ok: true } & VerifyResult) | { ok: false; error: string };

const SWITCHES: { key: SettingKey; label: string; help: string }[] = [
  {
    key: "useWebhook",
    label: "Use webhook",
    help: "When on, events from users are sent to the Webhook URL.",
  },
  {
    key: "webhookRedelivery",
    label: "Webhook redelivery",
    help: "When on, a webhook that your bot server failed to receive is sent again later.",
  },
  {
    key: "errorStatisticsAggregation",
    label: "Error statistics aggregation",
    help: "When on, failed webhooks are counted and shown on the Webhook errors tab. Nothing from before is shown.",
  },
];

/** The webhook part of the Messaging API tab: the URL with Edit / Update, and the three switches. */
export function WebhookSettings({
  channelId,
  settings,
  canEdit,
  canVerify,
  redeliverySchedule,
  urlRefusal,
}: {
  channelId: string;
  settings: Settings;
  canEdit: boolean;
  canVerify: boolean;
  /** A sentence saying why the URL policy in force refuses to send to the saved URL, if it does. */
  urlRefusal: string | null;
  /** The redelivery delays in words, e.g. ["10 s", "30 s", "2 min"]. */
  redeliverySchedule: string[];
}) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(settings.webhookUrl ?? "");
  const [urlError, setUrlError] = useState<string | null>(null);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<Verification | null>(null);
  // The switches answer at once; the server's answer confirms or rolls back.
  const [optimistic, setOptimistic] = useState<Partial<Record<SettingKey, boolean>>>({});
  const value = (key: SettingKey) => optimistic[key] ?? settings[key];

  function saveUrl() {
    startTransition(async () => {
      const result = await updateWebhookUrlAction(channelId, draft);
      if (!result.ok) return setUrlError(result.error);
      setUrlError(null);
      setEditing(false);
      router.refresh();
    });
  }

  async function verify() {
    setVerifying(true);
    setVerification(null);
    const result = await verifyWebhookAction(channelId);
    setVerification(result.ok ? { ok: true, ...result.data } : result);
    setVerifying(false);
  }

  function toggle(key: SettingKey, next: boolean) {
    setOptimistic((o) => ({ ...o, [key]: next }));
    setSwitchError(null);
    startTransition(async () => {
      const result = await setWebhookSettingAction(channelId, key, next);
      if (!result.ok) setSwitchError(result.error);
      router.refresh();
      setOptimistic((o) => {
        const rest = { ...o };
        delete rest[key];
        return rest;
      });
    });
  }

  return (
    <section className="card" aria-label="Webhook settings">
      <h2>Webhook settings</h2>
      <div className="setting">
        <div>
          <div className="setting-label">Webhook URL</div>
          <div className="setting-help">Where events are sent, as a POST with a signature.</div>
        </div>
        <div className="setting-value">
          {editing ? (
            <form
              className="stack"
              onSubmit={(event) => {
                event.preventDefault();
                saveUrl();
              }}
            >
              <input
                type="text"
                aria-label="Webhook URL"
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
                placeholder="https://example.com/callback"
                autoFocus
              />
              {urlError && (
                <p className="error" role="alert">
                  {urlError}
                </p>
              )}
              <div className="row">
                <button className="button primary" type="submit" disabled={pending}>
                  Update
                </button>
                <button
                  className="button"
                  type="button"
                  onClick={() => {
                    setEditing(false);
                    setDraft(settings.webhookUrl ?? "");
                    setUrlError(null);
                  }}
                >
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <div className="row">
              <span className="mono" data-testid="webhook-url">
                {settings.webhookUrl ?? <span className="muted">Not set</span>}
              </span>
              {canEdit && (
                <button className="button" type="button" onClick={() => setEditing(true)}>
                  Edit
                </button>
              )}
              {canVerify && settings.webhookUrl && (
                <button className="button" type="button" onClick={verify} disabled={verifying}>
                  {verifying ? "Verifying…" : "Verify"}
                </button>
              )}
            </div>
          )}
          {!editing && urlRefusal && (
            <p className="error" data-testid="webhook-url-refusal">
              {urlRefusal}
            </p>
          )}
          {!editing && verification && <VerificationResult verification={verification} />}
        </div>
      </div>
      {SWITCHES.map(({ key, label, help }) => {
        const needsWebhook = key !== "useWebhook";
        const blocked = needsWebhook && !value("useWebhook");
        return (
          <div className="setting" key={key}>
            <div>
              <div className="setting-label">{label}</div>
              <div className="setting-help">
                {help}
                {key === "webhookRedelivery" && (
                  <span data-testid="redelivery-schedule">
                    {" "}
                    Tries again after {redeliverySchedule.join(", ")}, then stops.
                  </span>
                )}
                {blocked && " Turn on Use webhook to change this."}
              </div>
            </div>
            <div className="setting-value">
              <Switch
                label={label}
                checked={value(key)}
                disabled={!canEdit || blocked || pending}
                onChange={(next) => toggle(key, next)}
              />
            </div>
          </div>
        );
      })}
      {switchError && (
        <p className="error" role="alert">
          {switchError}
        </p>
      )}
      {!canEdit && <p className="muted small">Only an Admin of this channel can change these settings.</p>}
    </section>
  );
}

function VerificationResult({ verification }: { verification: Verification }) {
  if (!verification.ok) {
    return (
      <p className="error" role="alert" style={{ marginTop: 10 }}>
        {verification.error}
      </p>
    );
  }
  if (verification.success) {
    return (
      <p className="notice" role="status" data-testid="verify-result" style={{ marginTop: 10 }}>
        Success
      </p>
    );
  }
  return (
    <div className="error" role="status" data-testid="verify-result" style={{ marginTop: 10 }}>
      <div>
        <strong>Error</strong>: {verification.message}
      </div>
      {verification.reason && (
        <div className="small">
          Reason: <code>{verification.reason}</code> · Detail: <code>{verification.detail}</code>
        </div>
      )}
    </div>
  );
}
