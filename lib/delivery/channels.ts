import "server-only";
import { db } from "../db";

/** What accepting events needs to know of a channel. */
export async function getDeliveryChannel(channelId: string): Promise<{ id: string; useWebhook: boolean } | null> {
  return db().channel.findUnique({ where: { id: channelId }, select: { id: true, useWebhook: true } });
}
