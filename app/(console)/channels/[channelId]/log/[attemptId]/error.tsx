"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function SendError({ error, retry }: ErrorInfo) {
  return <PageError title="Request" error={error} retry={retry} />;
}
