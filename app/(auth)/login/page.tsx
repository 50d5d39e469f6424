import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { getSessionUser } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.signIn"))("title") };
}

/** Where to go after signing in: a path of this console only, never another site. */
function nextPath(value: string | string[] | undefined): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\")
    ? value
    : "/providers";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = nextPath((await searchParams).next);
  if (await getSessionUser()) redirect(next);
  const t = await getTranslations("auth.signIn");
  return (
    <AuthCard title={t("title")}>
      <LoginForm next={next} />
    </AuthCard>
  );
}
