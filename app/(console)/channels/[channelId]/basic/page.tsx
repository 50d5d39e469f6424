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
  const { channel } = await loadChannelPage(channelId);
  return (
    <>
      <section className="card">
        <h2>Basic settings</h2>
        <div className="setting">
          <div className="setting-label">Channel ID</div>
          <div className="setting-value mono" data-testid="channel-id">
            {channel.id}
          </div>
        </div>
        <div className="setting">
          <div className="setting-label">Bot user ID</div>
          <div className="setting-value mono">{channel.botUserId}</div>
        </div>
        <div className="setting">
          <div>
            <div className="setting-label">Channel secret</div>
            <div className="setting-help">Signs every webhook (the x-line-signature header).</div>
          </div>
          <div className="setting-value">
            {channel.channelSecret !== null ? (
              <ChannelSecret channelId={channel.id} secret={channel.channelSecret} />
            ) : (
              <span className="muted">Only Admins can see the channel secret.</span>
            )}
          </div>
        </div>
      </section>
      <section className="card">
        <h2>Channel details</h2>
        <BasicSettingsForm
          channelId={channel.id}
          canEdit={canManageChannel(channel.role)}
          initial={{ name: channel.name, description: channel.description, email: channel.email }}
        />
      </section>
      <section className="card" aria-label="Error notification">
        <h2>Error notification</h2>
        <div className="setting">
          <div>
            <div className="setting-label">Error notification</div>
            <div className="setting-help">
              When on, an email goes to the channel&apos;s email address and to every Admin when your bot server returns
              an error or no response, and when Webhook redelivery gives up. Errors with the same reason and detail
              within 5 minutes go into one email.
            </div>
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
