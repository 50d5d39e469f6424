"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function MessagingApiError({ error, retry }: ErrorInfo) {
  return <PageError title="Messaging API" error={error} retry={retry} />;
}
