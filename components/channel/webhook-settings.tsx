"use client";

import { useTranslations } from "next-intl";
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

/** The three switches, in LINE's order; each one's label is its key in the catalogue, its help the key + "Help". */
const SWITCHES = ["useWebhook", "webhookRedelivery", "errorStatisticsAggregation"] as const satisfies readonly SettingKey[];

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
  const t = useTranslations("webhook");
  const common = useTranslations("common");
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
    <section className="card" aria-label={t("settingsAria")}>
      <h2>{t("settings")}</h2>
      <div className="setting">
        <div>
          <div className="setting-label">{t("url")}</div>
          <div className="setting-help">{t("urlHelp")}</div>
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
                aria-label={t("url")}
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
                placeholder={t("urlPlaceholder")}
                autoFocus
              />
              {urlError && (
                <p className="error" role="alert">
                  {urlError}
                </p>
              )}
              <div className="row">
                <button className="button primary" type="submit" disabled={pending}>
                  {t("update")}
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
                  {common("cancel")}
                </button>
              </div>
            </form>
          ) : (
            <div className="row">
              <span className="mono" data-testid="webhook-url">
                {settings.webhookUrl ?? <span className="muted">{t("notSet")}</span>}
              </span>
              {canEdit && (
                <button className="button" type="button" onClick={() => setEditing(true)}>
                  {t("edit")}
                </button>
              )}
              {canVerify && settings.webhookUrl && (
                <button className="button" type="button" onClick={verify} disabled={verifying}>
                  {verifying ? t("verifying") : t("verify")}
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
      {SWITCHES.map((key) => {
        const label = t(key);
        const needsWebhook = key !== "useWebhook";
        const blocked = needsWebhook && !value("useWebhook");
        return (
          <div className="setting" key={key}>
            <div>
              <div className="setting-label">{label}</div>
              <div className="setting-help">
                {t(`${key}Help`)}
                {key === "webhookRedelivery" && (
                  <span data-testid="redelivery-schedule">
                    {" "}
                    {t("schedule", { schedule: redeliverySchedule.join(", ") })}
                  </span>
                )}
                {blocked && ` ${t("needsUseWebhook")}`}
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
      {!canEdit && <p className="muted small">{t("adminsOnly")}</p>}
    </section>
  );
}

function VerificationResult({ verification }: { verification: Verification }) {
  const t = useTranslations("webhook");
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
        {t("success")}
      </p>
    );
  }
  return (
    <div className="error" role="status" data-testid="verify-result" style={{ marginTop: 10 }}>
      <div>
        <strong>{t("error")}</strong>: {verification.message}
      </div>
      {verification.reason && (
        <div className="small">
          {t.rich("reasonDetail", { reason: verification.reason, detail: verification.detail, code: (chunks) => <code>{chunks}</code> })}
        </div>
      )}
    </div>
  );
}
