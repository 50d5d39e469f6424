"use client";

import type { ErrorInfo } from "next/error";
import { PageError } from "@/components/ui/page-error";

export default function DeliveryLogError({ error, retry }: ErrorInfo) {
  return <PageError title="Delivery log" error={error} retry={retry} />;
}
