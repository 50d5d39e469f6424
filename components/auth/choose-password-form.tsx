"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ActionResult } from "@/lib/action-result";

/**
 * Two password fields for a new password (an invitation's account, a reset); once the server
 * sets it, the form signs in with it and opens `then`.
 */
export function ChoosePasswordForm({
  email,
  submitLabel,
  submit,
  then,
}: {
  email: string;
  submitLabel: string;
  submit: (input: { password: string; confirmation: string }) => Promise<ActionResult<{ email: string; channelId?: string }>>;
  then: string;
}) {
  const t = useTranslations("auth.password");
  const common = useTranslations("common");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const result = await submit({ password, confirmation: String(form.get("confirmation") ?? "") });
    if (!result.ok) {
      setPending(false);
      setError(result.error);
      return;
    }
    const signedIn = await signIn("credentials", { email: result.data.email, password, redirect: false });
    setPending(false);
    if (!signedIn || signedIn.error) {
      router.replace("/login");
      return;
    }
    router.replace(result.data.channelId ? `/channels/${result.data.channelId}` : then);
    router.refresh();
  }

  return (
    <form className="stack" onSubmit={onSubmit}>
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <label className="field">
        {t("new")}
        <input name="password" type="password" autoComplete="new-password" required minLength={12} autoFocus />
      </label>
      <label className="field">
        {t("again")}
        <input name="confirmation" type="password" autoComplete="new-password" required />
      </label>
      <p className="muted">{t("rules")}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="button primary" type="submit" disabled={pending}>
        {pending ? common("saving") : submitLabel}
      </button>
    </form>
  );
}
