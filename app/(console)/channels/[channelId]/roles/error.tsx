"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function RolesError({ error, retry }: ErrorInfo) {
  return <PageError title="Roles" error={error} retry={retry} />;
}
