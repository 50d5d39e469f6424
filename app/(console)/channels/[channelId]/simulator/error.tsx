"use client";

import type { ErrorInfo } from "next/error";
import { useTranslations } from "next-intl";
import { PageError } from "@/components/ui/page-error";

export default function SimulatorError({ error, retry }: ErrorInfo) {
  const t = useTranslations("simulator");
  return <PageError title={t("title")} error={error} retry={retry} />;
}
