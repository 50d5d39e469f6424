"use server";

import { revalidatePath } from "next/cache";
import { getLocale } from "next-intl/server";
import { parseDeliveryLogSearch } from "@/lib/console/delivery-log-search";
import { bulkRedeliveryProgress, previewBulkRedelivery, sendAsCurl, sendEditedEvent, startBulkRedelivery } from "@/lib/console/replay";
import { channelAction } from "@/lib/console/request";
import { InputError } from "@/lib/errors";

const refreshLog = (channelId: string) => () => revalidatePath(`/channels/${channelId}/log`, "layout");
const nothing = () => {};

function readIds(ids: unknown): string[] {
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === "string")) throw new InputError({ key: "unknownEvents" });
  return ids;
}

export async function sendAsCurlAction(channelId: string, attemptId: number) {
  return channelAction(
    channelId,
    async (access) => {
      if (!Number.isSafeInteger(attemptId)) throw new InputError({ key: "unknownRequest" });
      return sendAsCurl(access, attemptId);
    },
    nothing,
  );
}

export async function sendEditedEventAction(channelId: string, text: string) {
  return channelAction(
    channelId,
    async (access) => {
      if (typeof text !== "string") throw new InputError({ key: "eventMustBeJson" });
      return sendEditedEvent(access, text, Date.now(), await getLocale());
    },
    refreshLog(channelId),
  );
}

export async function previewBulkRedeliveryAction(channelId: string, search: string) {
  return channelAction(
    channelId,
    async (access) => {
      const parsed = parseDeliveryLogSearch(new URLSearchParams(typeof search === "string" ? search : ""));
      if (!parsed.ok || !parsed.query) throw new InputError(parsed.problems.join(" "));
      const preview = await previewBulkRedelivery(access, parsed.query.filter, Date.now(), await getLocale());
      return { ...preview, firstAt: preview.firstAt?.toISOString() ?? null, lastAt: preview.lastAt?.toISOString() ?? null };
    },
    nothing,
  );
}

export async function startBulkRedeliveryAction(channelId: string, ids: unknown) {
  return channelAction(channelId, (access) => startBulkRedelivery(access, readIds(ids)), refreshLog(channelId));
}

export async function bulkRedeliveryProgressAction(channelId: string, ids: unknown) {
  return channelAction(channelId, (access) => bulkRedeliveryProgress(access, readIds(ids)), nothing);
}
