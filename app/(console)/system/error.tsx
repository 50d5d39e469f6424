"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function SystemError({ error, retry }: ErrorInfo) {
  return <PageError title="System" error={error} retry={retry} />;
}
