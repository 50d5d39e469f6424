"use client";

import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";

export function SignOutButton() {
  const t = useTranslations("nav");
  const router = useRouter();
  return (
    <button
      className="button"
      type="button"
      onClick={async () => {
        await signOut({ redirect: false });
        router.replace("/login");
        router.refresh();
      }}
    >
      {t("signOut")}
    </button>
  );
}
