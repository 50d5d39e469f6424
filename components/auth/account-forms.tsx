"use client";

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
          setNotice("Your password was changed. Every other session of this account was signed out.");
        });
      }}
    >
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <label className="field">
        Current password
        <input name="current" type="password" autoComplete="current-password" required />
      </label>
      <label className="field">
        New password
        <input name="password" type="password" autoComplete="new-password" required minLength={12} />
      </label>
      <label className="field">
        The same new password again
        <input name="confirmation" type="password" autoComplete="new-password" required />
      </label>
      <p className="muted">At least 12 characters; not your email address, and not one of the most common passwords.</p>
      <Outcome error={error} notice={notice} />
      <div>
        <button className="button primary" type="submit" disabled={pending}>
          Change password
        </button>
      </div>
    </form>
  );
}

/** Ends every session of the account except the one in this browser. */
export function SignOutEverywhereButton() {
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
            if (!window.confirm("Sign out every other session of this account?")) return;
            setError(null);
            setNotice(null);
            startTransition(async () => {
              const result = await signOutEverywhereAction();
              if (!result.ok) return setError(result.error);
              setNotice("Every other session of this account was signed out. This one goes on.");
            });
          }}
        >
          Sign out everywhere else
        </button>
      </div>
    </div>
  );
}
