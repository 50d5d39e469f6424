"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function ProvidersError({ error, retry }: ErrorInfo) {
  return <PageError title="Providers" error={error} retry={retry} />;
}
