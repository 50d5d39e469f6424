"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function SimulatorError({ error, retry }: ErrorInfo) {
  return <PageError title="Simulator" error={error} retry={retry} />;
}
