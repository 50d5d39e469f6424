import Link from "next/link";
import { RoleBadge } from "@/components/ui/role-badge";
import type { Role } from "@/lib/console/roles";

/** A channel in a provider's list: its name and ID, linking to it, and the user's role in it. */
export function ChannelTile({ channel }: { channel: { id: string; name: string; role: Role } }) {
  return (
    <Link href={`/channels/${channel.id}`} className="channel-tile">
      <span>
        <strong>{channel.name}</strong> <span className="muted mono">{channel.id}</span>
      </span>
      <RoleBadge role={channel.role} />
    </Link>
  );
}
