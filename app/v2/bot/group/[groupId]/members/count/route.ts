import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { chatMemberCount } from "@/lib/messaging/bot-api";

/** Get number of users in a group chat: a simulated group's member count, or LINE's 404. */
export const GET = channelApiRoute<undefined, { groupId: string }>({ rateLimit: "profile" }, ({ channelId, params }) =>
  chatMemberCount(channelId, params.groupId, "group"),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
