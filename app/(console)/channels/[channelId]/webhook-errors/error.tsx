"use client";

import type { ErrorInfo } from "next/error";
import { useTranslations } from "next-intl";
import { PageError } from "@/components/ui/page-error";

export default function WebhookErrorsError({ error, retry }: ErrorInfo) {
  const t = useTranslations("pages");
  return <PageError title={t("webhookErrors")} error={error} retry={retry} />;
}
