"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function EventError({ error, retry }: ErrorInfo) {
  return <PageError title="Webhook event" error={error} retry={retry} />;
}
