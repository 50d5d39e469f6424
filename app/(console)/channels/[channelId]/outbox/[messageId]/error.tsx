"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function OutboxMessageError({ error, retry }: ErrorInfo) {
  return <PageError title="Email" error={error} retry={retry} />;
}
