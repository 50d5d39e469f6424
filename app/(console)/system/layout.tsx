import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { canSeeSystem } from "@/lib/operations/system";

/** Answers 404 to those who may not read the page before its loading skeleton starts the response. */
export default async function SystemLayout({ children }: { children: React.ReactNode }) {
  if (!(await canSeeSystem(await requireUser()))) notFound();
  return children;
}
