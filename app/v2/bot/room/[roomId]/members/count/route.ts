import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { chatMemberCount } from "@/lib/messaging/bot-api";

/** Get number of users in a room chat: a simulated room's member count, or LINE's 404. */
export const GET = channelApiRoute<undefined, { roomId: string }>({ rateLimit: "profile" }, ({ channelId, params }) =>
  chatMemberCount(channelId, params.roomId, "room"),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
