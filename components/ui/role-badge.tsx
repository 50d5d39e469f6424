import { ROLE_LABELS, type Role } from "@/lib/console/roles";

/** A member's role as a badge; an Admin's stands out. */
export function RoleBadge({ role }: { role: Role }) {
  return <span className={`badge ${role === "ADMIN" ? "admin" : ""}`}>{ROLE_LABELS[role]}</span>;
}
