"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createProviderAction } from "@/app/(console)/providers/actions";

export function CreateProviderForm() {
  const t = useTranslations("providers");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const name = String(new FormData(form).get("name") ?? "");
        startTransition(async () => {
          const result = await createProviderAction(name);
          if (!result.ok) return setError(result.error);
          setError(null);
          form.reset();
          router.push(`/providers/${result.data.id}`);
        });
      }}
    >
      <input name="name" type="text" aria-label={t("name")} placeholder={t("name")} style={{ maxWidth: 320 }} />
      <button className="button primary" type="submit" disabled={pending}>
        {t("createButton")}
      </button>
      {error && (
        <p className="error" role="alert" style={{ width: "100%" }}>
          {error}
        </p>
      )}
    </form>
  );
}
