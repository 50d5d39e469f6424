import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { userProfile } from "@/lib/messaging/bot-api";

/** Get profile: a simulated user of the channel, or LINE's 404. */
export const GET = channelApiRoute<undefined, { userId: string }>({ rateLimit: "profile" }, ({ channelId, params }) =>
  userProfile(channelId, params.userId),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
