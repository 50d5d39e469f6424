import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { groupSummary } from "@/lib/messaging/bot-api";

/** Get group chat summary: a simulated group of the channel, or LINE's 404. */
export const GET = channelApiRoute<undefined, { groupId: string }>({ rateLimit: "profile" }, ({ channelId, params }) =>
  groupSummary(channelId, params.groupId),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
