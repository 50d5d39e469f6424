import { z } from "zod";

/**
 * The message objects a bot sends through reply, push, multicast and broadcast, as LINE's
 * Messaging API reference describes them: the types, the required properties, and the limits
 * LINE documents. Where LINE states no limit we take the stricter reading and say so in
 * docs/line-behaviour.md. Problems are worded as LINE words them ("must be specified", "Length
 * must be between 0 and 5000"), with the property at fault (`messages[0].text`).
 */

const specified = (issue: { input: unknown }) => (issue.input === undefined ? "must be specified" : undefined);

function text(max: number, min = 0) {
  return z
    .string({ error: (issue) => specified(issue) ?? "must be a string" })
    .min(min, `Length must be between ${min} and ${max}`)
    .max(max, `Length must be between ${min} and ${max}`);
}

/** An https URL of at most `max` characters, as LINE asks of every URL a message carries. */
function httpsUrl(max = 2000) {
  return text(max).refine((value) => {
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  }, "must be a valid HTTPS URL");
}

function list<T extends z.ZodType>(item: T, min: number, max: number) {
  return z
    .array(item, { error: (issue) => specified(issue) ?? "must be an array" })
    .min(min, `Size must be between ${min} and ${max}`)
    .max(max, `Size must be between ${min} and ${max}`);
}

const label = text(20);

const postbackAction = z.object({
  type: z.literal("postback"),
  label: label.optional(),
  data: text(300, 1),
  displayText: text(300).optional(),
  text: text(300).optional(),
  inputOption: z.enum(["closeRichMenu", "openRichMenu", "openKeyboard", "openVoice"]).optional(),
  fillInText: text(300).optional(),
});

const messageAction = z.object({ type: z.literal("message"), label: label.optional(), text: text(300, 1) });

const uriAction = z.object({
  type: z.literal("uri"),
  label: label.optional(),
  uri: text(1000, 1),
  altUri: z.object({ desktop: text(1000, 1) }).optional(),
});

const datetimePickerAction = z.object({
  type: z.literal("datetimepicker"),
  label: label.optional(),
  data: text(300, 1),
  mode: z.enum(["date", "time", "datetime"], { error: 'must be one of "date", "time", "datetime"' }),
  initial: z.string().optional(),
  max: z.string().optional(),
  min: z.string().optional(),
});

const simpleAction = (type: "camera" | "cameraRoll" | "location") => z.object({ type: z.literal(type), label: label.optional() });

const richMenuSwitchAction = z.object({
  type: z.literal("richmenuswitch"),
  label: label.optional(),
  richMenuAliasId: text(32, 1),
  data: text(300, 1),
});

const clipboardAction = z.object({ type: z.literal("clipboard"), label: label.optional(), clipboardText: text(1000, 1) });

/** An action: what a tap on a button, a quick reply or an image area does. */
export const actionSchema = z.discriminatedUnion(
  "type",
  [
    postbackAction,
    messageAction,
    uriAction,
    datetimePickerAction,
    simpleAction("camera"),
    simpleAction("cameraRoll"),
    simpleAction("location"),
    richMenuSwitchAction,
    clipboardAction,
  ],
  { error: "Invalid action type" },
);

export type MessageAction = z.infer<typeof actionSchema>;

const quickReplySchema = z.object({
  items: list(
    z.object({
      type: z.literal("action", { error: 'must be "action"' }),
      imageUrl: httpsUrl(2000).optional(),
      // Every quick reply button shows a label.
      action: actionSchema.and(z.object({ label: text(20, 1) })),
    }),
    1,
    13,
  ),
});

const senderSchema = z.object({ name: text(20, 1).optional(), iconUrl: httpsUrl(2000).optional() });

const common = { quickReply: quickReplySchema.optional(), sender: senderSchema.optional() };

const textMessage = z.object({
  type: z.literal("text"),
  text: text(5000, 1),
  emojis: list(z.object({ index: z.number().int().min(0), productId: z.string(), emojiId: z.string() }), 0, 20).optional(),
  quoteToken: z.string().optional(),
  ...common,
});

const stickerMessage = z.object({
  type: z.literal("sticker"),
  packageId: text(100, 1),
  stickerId: text(100, 1),
  quoteToken: z.string().optional(),
  ...common,
});

const imageMessage = z.object({
  type: z.literal("image"),
  originalContentUrl: httpsUrl(2000),
  previewImageUrl: httpsUrl(2000),
  ...common,
});

const videoMessage = z.object({
  type: z.literal("video"),
  originalContentUrl: httpsUrl(2000),
  previewImageUrl: httpsUrl(2000),
  trackingId: text(100).optional(),
  ...common,
});

const audioMessage = z.object({
  type: z.literal("audio"),
  originalContentUrl: httpsUrl(2000),
  duration: z.number({ error: (issue) => specified(issue) ?? "must be a number" }).int().positive(),
  ...common,
});

const locationMessage = z.object({
  type: z.literal("location"),
  title: text(100, 1),
  address: text(100, 1),
  latitude: z.number({ error: (issue) => specified(issue) ?? "must be a number" }).min(-90).max(90),
  longitude: z.number({ error: (issue) => specified(issue) ?? "must be a number" }).min(-180).max(180),
  ...common,
});

const imagemapMessage = z.object({
  type: z.literal("imagemap"),
  baseUrl: httpsUrl(2000),
  altText: text(1500, 1),
  baseSize: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  actions: list(z.object({ type: z.enum(["uri", "message", "clipboard"]) }).loose(), 0, 50),
  video: z.object({}).loose().optional(),
  ...common,
});

const buttonsTemplate = z.object({
  type: z.literal("buttons"),
  thumbnailImageUrl: httpsUrl(2000).optional(),
  imageAspectRatio: z.enum(["rectangle", "square"]).optional(),
  imageSize: z.enum(["cover", "contain"]).optional(),
  imageBackgroundColor: z.string().optional(),
  title: text(40).optional(),
  // LINE allows 160 characters, or 60 with an image or a title.
  text: text(160, 1),
  defaultAction: actionSchema.optional(),
  actions: list(actionSchema, 1, 4),
});

const confirmTemplate = z.object({ type: z.literal("confirm"), text: text(240, 1), actions: list(actionSchema, 2, 2) });

const carouselColumn = z.object({
  thumbnailImageUrl: httpsUrl(2000).optional(),
  imageBackgroundColor: z.string().optional(),
  title: text(40).optional(),
  text: text(120, 1),
  defaultAction: actionSchema.optional(),
  actions: list(actionSchema, 1, 3),
});

const carouselTemplate = z.object({
  type: z.literal("carousel"),
  columns: list(carouselColumn, 1, 10),
  imageAspectRatio: z.enum(["rectangle", "square"]).optional(),
  imageSize: z.enum(["cover", "contain"]).optional(),
});

const imageCarouselTemplate = z.object({
  type: z.literal("image_carousel"),
  columns: list(z.object({ imageUrl: httpsUrl(2000), action: actionSchema }), 1, 10),
});

const templateMessage = z.object({
  type: z.literal("template"),
  altText: text(1500, 1),
  template: z.discriminatedUnion("type", [buttonsTemplate, confirmTemplate, carouselTemplate, imageCarouselTemplate], {
    error: "Invalid template type",
  }),
  ...common,
});

/** A Flex component: its type decides what else it must have; boxes hold more components. */
type FlexComponent = { type: string; [key: string]: unknown };

const flexComponent: z.ZodType<FlexComponent> = z.lazy(() =>
  z.discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("box"), layout: z.enum(["horizontal", "vertical", "baseline"]), contents: z.array(flexComponent), action: actionSchema.optional() }).loose(),
      z.object({ type: z.literal("text"), text: z.string().optional(), contents: z.array(z.object({ type: z.literal("span"), text: z.string() }).loose()).optional(), action: actionSchema.optional() }).loose(),
      z.object({ type: z.literal("image"), url: httpsUrl(2000), action: actionSchema.optional() }).loose(),
      z.object({ type: z.literal("video"), url: httpsUrl(2000), previewUrl: httpsUrl(2000), altContent: flexComponent }).loose(),
      z.object({ type: z.literal("button"), action: actionSchema }).loose(),
      z.object({ type: z.literal("icon"), url: httpsUrl(2000) }).loose(),
      z.object({ type: z.literal("separator") }).loose(),
      z.object({ type: z.literal("filler") }).loose(),
      z.object({ type: z.literal("span"), text: z.string() }).loose(),
    ],
    { error: "Invalid component type" },
  ),
);

const flexBubble = z
  .object({
    type: z.literal("bubble"),
    header: flexComponent.optional(),
    hero: flexComponent.optional(),
    body: flexComponent.optional(),
    footer: flexComponent.optional(),
    action: actionSchema.optional(),
  })
  .loose();

const flexMessage = z.object({
  type: z.literal("flex"),
  altText: text(1500, 1),
  contents: z.discriminatedUnion("type", [flexBubble, z.object({ type: z.literal("carousel"), contents: list(flexBubble, 1, 12) })], {
    error: "Invalid container type",
  }),
  ...common,
});

/** One message object, of any type LINE's bots may send. */
export const messageSchema = z.discriminatedUnion(
  "type",
  [textMessage, stickerMessage, imageMessage, videoMessage, audioMessage, locationMessage, imagemapMessage, templateMessage, flexMessage],
  { error: "Invalid message type" },
);

export type BotMessageObject = z.infer<typeof messageSchema>;

/** The `messages` of every send: one to five message objects. */
export const messagesSchema = list(messageSchema, 1, 5);

const notificationDisabled = z.boolean({ error: "must be a boolean" }).optional();

const body = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: "The request body must be a JSON object." });

export const replyRequestSchema = body({
  replyToken: text(255, 1),
  messages: messagesSchema,
  notificationDisabled,
});

const recipient = text(100, 1);

export const pushRequestSchema = body({
  to: recipient,
  messages: messagesSchema,
  notificationDisabled,
  customAggregationUnits: z.array(z.string()).max(1).optional(),
});

export const multicastRequestSchema = body({
  to: list(recipient, 1, 500),
  messages: messagesSchema,
  notificationDisabled,
  customAggregationUnits: z.array(z.string()).max(1).optional(),
});

export const broadcastRequestSchema = body({ messages: messagesSchema, notificationDisabled });

/** Five Flex messages of LINE's largest size fit, with room for a multicast's 500 user IDs. */
export const MESSAGE_BODY_BYTES = 256 * 1024;
