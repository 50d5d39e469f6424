import type { Metadata } from "next";
import { BasicSettingsForm } from "@/components/channel/basic-settings-form";
import { ChannelSecret } from "@/components/channel/channel-secret";
import { ErrorNotificationSwitch } from "@/components/notify/error-notification-switch";
import { loadChannelPage } from "@/lib/console/request";
import { canManageChannel } from "@/lib/console/roles";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("basicSettings") };
}

export default async function BasicSettingsPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const [{ channel }, t, pages] = await Promise.all([loadChannelPage(channelId), getTranslations("basic"), getTranslations("pages")]);
  return (
    <>
      <section className="card">
        <h2>{pages("basicSettings")}</h2>
        <div className="setting">
          <div className="setting-label">{t("channelId")}</div>
          <div className="setting-value mono" data-testid="channel-id">
            {channel.id}
          </div>
        </div>
        <div className="setting">
          <div className="setting-label">{t("botUserId")}</div>
          <div className="setting-value mono">{channel.botUserId}</div>
        </div>
        <div className="setting">
          <div>
            <div className="setting-label">{t("channelSecret")}</div>
            <div className="setting-help">{t("channelSecretHelp")}</div>
          </div>
          <div className="setting-value">
            {channel.channelSecret !== null ? (
              <ChannelSecret channelId={channel.id} secret={channel.channelSecret} />
            ) : (
              <span className="muted">{t("secretAdminsOnly")}</span>
            )}
          </div>
        </div>
      </section>
      <section className="card">
        <h2>{t("details")}</h2>
        <BasicSettingsForm
          channelId={channel.id}
          canEdit={canManageChannel(channel.role)}
          initial={{ name: channel.name, description: channel.description, email: channel.email }}
        />
      </section>
      <section className="card" aria-label={t("errorNotification")}>
        <h2>{t("errorNotification")}</h2>
        <div className="setting">
          <div>
            <div className="setting-label">{t("errorNotification")}</div>
            <div className="setting-help">{t("errorNotificationHelp")}</div>
          </div>
          <div className="setting-value">
            <ErrorNotificationSwitch
              channelId={channel.id}
              initial={channel.errorNotification}
              canEdit={canManageChannel(channel.role)}
            />
          </div>
        </div>
      </section>
    </>
  );
}
