import { inject } from "vitest";

/**
 * Points this test process at the running app's database, so a test can arrange what a journey
 * starts from (a channel aimed at a test bot) with the product's own data layer. Call it before
 * anything touches the database.
 */
export async function arrange() {
  process.env.DATA_DIR = inject("dataDir");
  process.env.DATABASE_URL = inject("databaseUrl");
  const channels = await import("@/lib/console/channels");
  const { db } = await import("@/lib/db");
  const { accessOf } = await import("../support/access");
  const admin = await db().user.findUniqueOrThrow({ where: { email: inject("admin").email } });
  const provider = await db().provider.findFirstOrThrow({ where: { createdById: admin.id } });

  /** A new channel of the Admin's, aimed at `url`, with Use webhook on. */
  async function channelFor(name: string, url: string, options: { aggregation?: boolean } = {}) {
    const { id } = await channels.createChannel(admin.id, provider.id, { name, description: "", email: "" });
    await channels.updateWebhookUrl(await accessOf(admin.id, id), url);
    await channels.setWebhookSetting(await accessOf(admin.id, id), "useWebhook", true);
    if (options.aggregation) await channels.setWebhookSetting(await accessOf(admin.id, id), "errorStatisticsAggregation", true);
    return db().channel.findUniqueOrThrow({ where: { id } });
  }

  return { db, adminId: admin.id, channelFor, accessOf };
}
