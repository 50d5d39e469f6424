"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function WebhookErrorsError({ error, retry }: ErrorInfo) {
  return <PageError title="Webhook errors" error={error} retry={retry} />;
}
