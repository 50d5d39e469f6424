import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { chatMemberIds } from "@/lib/messaging/bot-api";

/** Get room chat member user IDs: every member of a simulated room, or LINE's 404. */
export const GET = channelApiRoute<undefined, { roomId: string }>({ rateLimit: "profile" }, ({ channelId, params }) =>
  chatMemberIds(channelId, params.roomId, "room"),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
