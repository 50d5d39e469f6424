import type { Metadata } from "next";
import { RolesTable } from "@/components/channel/roles-table";
import { loadChannelPage } from "@/lib/console/request";
import { listInvitations, listMembers } from "@/lib/console/members";
import { formatUtc9 } from "@/lib/time";
import { canManageChannel } from "@/lib/console/roles";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("roles") };
}

export default async function RolesPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { user, channel } = access;
  const members = await listMembers(access);
  const invitations = canManageChannel(channel.role) ? await listInvitations(access) : [];
  const [t, pages, locale] = await Promise.all([getTranslations("roles"), getTranslations("pages"), getLocale()]);
  return (
    <section className="card">
      <h2>{pages("roles")}</h2>
      <p className="muted">{t("intro")}</p>
      <RolesTable
        channelId={channel.id}
        canEdit={canManageChannel(channel.role)}
        currentUserId={user.id}
        members={members.map(({ userId, email, name, role }) => ({ userId, email, name, role }))}
        invitations={invitations.map(({ id, email, role, invitedBy, expiresAt }) => ({
          id,
          email,
          role,
          invitedBy,
          expiresAt: formatUtc9(expiresAt, locale),
        }))}
      />
    </section>
  );
}
