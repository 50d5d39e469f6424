"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { changePasswordAction, signOutEverywhereAction } from "@/app/(console)/account/actions";

function Outcome({ error, notice }: { error: string | null; notice: string | null }) {
  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
    </>
  );
}

/** Current password, then the new one twice. */
export function ChangePasswordForm({ email }: { email: string }) {
  const t = useTranslations("account");
  const rules = useTranslations("auth.password");
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="stack"
      style={{ maxWidth: 380 }}
      onSubmit={(event) => {
        event.preventDefault();
        const formElement = event.currentTarget;
        const form = new FormData(formElement);
        const input = {
          current: String(form.get("current") ?? ""),
          password: String(form.get("password") ?? ""),
          confirmation: String(form.get("confirmation") ?? ""),
        };
        setError(null);
        setNotice(null);
        startTransition(async () => {
          const result = await changePasswordAction(input);
          if (!result.ok) return setError(result.error);
          formElement.reset();
          setNotice(t("passwordChanged"));
        });
      }}
    >
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <label className="field">
        {t("currentPassword")}
        <input name="current" type="password" autoComplete="current-password" required />
      </label>
      <label className="field">
        {rules("new")}
        <input name="password" type="password" autoComplete="new-password" required minLength={12} />
      </label>
      <label className="field">
        {t("newPasswordAgain")}
        <input name="confirmation" type="password" autoComplete="new-password" required />
      </label>
      <p className="muted">{rules("rules")}</p>
      <Outcome error={error} notice={notice} />
      <div>
        <button className="button primary" type="submit" disabled={pending}>
          {t("changePassword")}
        </button>
      </div>
    </form>
  );
}

/** Ends every session of the account except the one in this browser. */
export function SignOutEverywhereButton() {
  const t = useTranslations("account");
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="stack">
      <Outcome error={error} notice={notice} />
      <div>
        <button
          className="button"
          type="button"
          disabled={pending}
          onClick={() => {
            if (!window.confirm(t("confirmSignOutEverywhere"))) return;
            setError(null);
            setNotice(null);
            startTransition(async () => {
              const result = await signOutEverywhereAction();
              if (!result.ok) return setError(result.error);
              setNotice(t("signedOutEverywhere"));
            });
          }}
        >
          {t("signOutEverywhere")}
        </button>
      </div>
    </div>
  );
}
