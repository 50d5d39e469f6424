"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function OutboxError({ error, retry }: ErrorInfo) {
  return <PageError title="Outbox" error={error} retry={retry} />;
}
