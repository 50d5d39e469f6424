"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** The sign-in form; a refusal (too many tries, a busy console) is shown in the server's words. */
export function LoginForm({ next }: { next: string }) {
  const t = useTranslations("auth.signIn");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (!result || result.error) {
      setError(!result || result.error === "CredentialsSignin" ? t("wrong") : result.error);
      return;
    }
    router.replace(next);
    router.refresh();
  }

  return (
    <form className="stack" onSubmit={onSubmit}>
      <label className="field">
        {t("email")}
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label className="field">
        {t("password")}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="button primary" type="submit" disabled={pending}>
        {pending ? t("pending") : t("submit")}
      </button>
    </form>
  );
}
