import { describe, expect, test } from "vitest";
import { broadcastRequestSchema, messageSchema } from "@/lib/messaging/message-schema";
import { listProblems } from "@/lib/errors";
import { createLineSchemaCheck } from "../support/line-schemas";

const sdk = createLineSchemaCheck("messaging-api");
const image = "https://example.com/image.jpg";
const postback = { type: "postback", label: "Buy", data: "action=buy&item=1" };

/** One message of every type a bot may send, as LINE's reference shows them. */
const VALID: Record<string, unknown> = {
  text: { type: "text", text: "Hello $", emojis: [{ index: 6, productId: "5ac1bfd5040ab15980c9b435", emojiId: "001" }] },
  quickReply: {
    type: "text",
    text: "Pick one",
    quickReply: { items: [{ type: "action", action: { type: "message", label: "Sushi", text: "Sushi" } }, { type: "action", action: { type: "camera", label: "Camera" } }] },
  },
  sticker: { type: "sticker", packageId: "446", stickerId: "1988" },
  image: { type: "image", originalContentUrl: image, previewImageUrl: image },
  video: { type: "video", originalContentUrl: "https://example.com/v.mp4", previewImageUrl: image, trackingId: "track-1" },
  audio: { type: "audio", originalContentUrl: "https://example.com/a.m4a", duration: 60000 },
  location: { type: "location", title: "my location", address: "1-3 Kioicho, Chiyoda-ku, Tokyo", latitude: 35.67966, longitude: 139.73669 },
  buttons: {
    type: "template",
    altText: "This is a buttons template",
    template: { type: "buttons", thumbnailImageUrl: image, title: "Menu", text: "Please select", actions: [postback, { type: "uri", label: "View", uri: "https://example.com" }] },
  },
  confirm: {
    type: "template",
    altText: "this is a confirm template",
    template: { type: "confirm", text: "Are you sure?", actions: [{ type: "message", label: "Yes", text: "yes" }, { type: "message", label: "No", text: "no" }] },
  },
  carousel: {
    type: "template",
    altText: "carousel",
    template: { type: "carousel", columns: [{ text: "one", actions: [postback] }, { text: "two", actions: [{ type: "datetimepicker", label: "When", data: "d", mode: "date" }] }] },
  },
  imageCarousel: { type: "template", altText: "images", template: { type: "image_carousel", columns: [{ imageUrl: image, action: postback }] } },
  flex: {
    type: "flex",
    altText: "flex",
    contents: {
      type: "bubble",
      hero: { type: "image", url: image, size: "full" },
      body: { type: "box", layout: "vertical", contents: [{ type: "text", text: "Brown Cafe", weight: "bold" }, { type: "separator" }, { type: "button", action: { type: "uri", label: "Call", uri: "tel:000" } }] },
    },
  },
  flexCarousel: { type: "flex", altText: "flex carousel", contents: { type: "carousel", contents: [{ type: "bubble", body: { type: "box", layout: "vertical", contents: [] } }] } },
};

describe("the message objects a bot sends", () => {
  test.each(Object.entries(VALID))("%s is accepted here and is a Message to LINE's SDK", (_name, message) => {
    expect(sdk("Message", message)).toEqual([]);
    const parsed = messageSchema.safeParse(message);
    expect(parsed.success ? [] : listProblems(parsed.error)).toEqual([]);
  });

  test.each([
    ["an empty list", [], "messages: Size must be between 1 and 5"],
    ["a confirm template with one action", [{ type: "template", altText: "c", template: { type: "confirm", text: "?", actions: [postback] } }], "messages[0].template.actions: Size must be between 2 and 2"],
    ["14 quick reply buttons", [{ type: "text", text: "x", quickReply: { items: Array.from({ length: 14 }, () => ({ type: "action", action: postback })) } }], "messages[0].quickReply.items: Size must be between 1 and 13"],
    ["a quick reply button without a label", [{ type: "text", text: "x", quickReply: { items: [{ type: "action", action: { type: "message", text: "hi" } }] } }], "messages[0].quickReply.items[0].action.label: must be specified"],
    ["a postback with 301 characters of data", [{ type: "template", altText: "b", template: { type: "buttons", text: "t", actions: [{ ...postback, data: "d".repeat(301) }] } }], "messages[0].template.actions[0].data: Length must be between 1 and 300"],
    ["a sender named with 21 characters", [{ type: "text", text: "x", sender: { name: "n".repeat(21) } }], "messages[0].sender.name: Length must be between 1 and 20"],
  ])("%s is refused, naming the property", (_name, messages, problem) => {
    const parsed = broadcastRequestSchema.safeParse({ messages });
    expect(parsed.success ? [] : listProblems(parsed.error).map((p) => `${p.property}: ${p.message}`)).toEqual([problem]);
  });
});
