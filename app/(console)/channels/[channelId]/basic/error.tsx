"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function BasicSettingsError({ error, retry }: ErrorInfo) {
  return <PageError title="Basic settings" error={error} retry={retry} />;
}
