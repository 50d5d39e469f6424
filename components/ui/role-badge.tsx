import { useTranslations } from "next-intl";
import type { Role } from "@/lib/console/roles";

/** A member's role as a badge; an Admin's stands out. */
export function RoleBadge({ role }: { role: Role }) {
  const t = useTranslations("common.roles");
  return <span className={`badge ${role === "ADMIN" ? "admin" : ""}`}>{t(role)}</span>;
}
