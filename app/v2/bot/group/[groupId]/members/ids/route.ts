import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { chatMemberIds } from "@/lib/messaging/bot-api";

/** Get group chat member user IDs: every member of a simulated group, or LINE's 404. */
export const GET = channelApiRoute<undefined, { groupId: string }>({ rateLimit: "profile" }, ({ channelId, params }) =>
  chatMemberIds(channelId, params.groupId, "group"),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
