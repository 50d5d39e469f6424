"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function ProviderError({ error, retry }: ErrorInfo) {
  return <PageError title="Provider" error={error} retry={retry} />;
}
