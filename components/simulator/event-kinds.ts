/**
 * The Simulator's "More events": each kind of event a user, group or room can send besides the
 * plain text, postback, follow and unfollow, as data. A kind names the chats it happens in, the
 * fields it asks for and how their values become the script endpoint's event spec; the panel
 * adds who sent it and where.
 */

export type ChatType = "user" | "group" | "room";

/** Where the Simulator sends from: the selected user's one-to-one chat, or a group or room. */
export type SelectedChat = { type: "user" } | { type: "group" | "room"; id: string; memberIds: string[] };

/** A message the selected user sent earlier, which an unsend or an edit can name. */
export type EarlierMessage = { messageId: string; summary: string };

export type KindContext = {
  userId: string;
  chat: SelectedChat;
  names: ReadonlyMap<string, string>;
  earlierMessages: readonly EarlierMessage[];
};

type Option = { value: string; label: string };

export type Field = {
  name: string;
  label: string;
  initial: string;
  /** A select's choices; a text input without. */
  options?: (context: KindContext) => Option[];
};

/**
 * Who an event is from: a user in the chat (`user`), the group or room itself (`chat`), or the
 * group or room with the selected user as the member who joined or left (`member`).
 */
type Actor = "user" | "chat" | "member";

export type EventKind = {
  id: string;
  label: string;
  chats: readonly ChatType[];
  actor: Actor;
  fields: readonly Field[];
  spec: (values: Record<string, string>, context: KindContext) => Record<string, unknown>;
};

const everywhere: ChatType[] = ["user", "group", "room"];
const chatsOnly: ChatType[] = ["group", "room"];

const earlierMessages = (context: KindContext): Option[] =>
  context.earlierMessages.map((m) => ({ value: m.messageId, label: `${m.summary || "message"} (${m.messageId})` }));

const others = (context: KindContext): Option[] => {
  const ids = context.chat.type === "user" ? [] : context.chat.memberIds.filter((id) => id !== context.userId);
  return [{ value: "all", label: "Everyone (@All)" }, ...ids.map((id) => ({ value: id, label: context.names.get(id) ?? id }))];
};

/** `@Name rest`, with LINE's mention of the name's characters. */
function mentionSpec(values: Record<string, string>, context: KindContext) {
  const everyone = values.mentionee === "all";
  const handle = `@${everyone ? "All" : (context.names.get(values.mentionee) ?? "user")}`;
  const mentionee = everyone
    ? { type: "all", index: 0, length: handle.length }
    : { type: "user", index: 0, length: handle.length, userId: values.mentionee };
  return { type: "message", text: `${handle} ${values.text}`, mention: { mentionees: [mentionee] } };
}

const number = (value: string) => Number(value);

export const EVENT_KINDS: readonly EventKind[] = [
  {
    id: "mention",
    label: "Text with a mention",
    chats: chatsOnly,
    actor: "user",
    fields: [
      { name: "mentionee", label: "Mention", initial: "all", options: others },
      { name: "text", label: "Text after the mention", initial: "are you there?" },
    ],
    spec: mentionSpec,
  },
  {
    id: "emoji",
    label: "Text with a LINE emoji",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "text", label: "Text before the emoji", initial: "thank you" }],
    spec: (v) => {
      // LINE writes an emoji into the text as its substitute name, which `index` and `length` cover.
      const text = `${v.text} (love)`;
      return {
        type: "message",
        text,
        emojis: [{ index: text.length - 6, length: 6, productId: "5ac1bfd5040ab15980c9b435", emojiId: "001" }],
      };
    },
  },
  {
    id: "image",
    label: "Image",
    chats: everywhere,
    actor: "user",
    fields: [],
    spec: () => ({ type: "message", message: { type: "image" } }),
  },
  {
    id: "video",
    label: "Video",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "duration", label: "Length (ms)", initial: "15000" }],
    spec: (v) => ({ type: "message", message: { type: "video", duration: number(v.duration) } }),
  },
  {
    id: "audio",
    label: "Audio",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "duration", label: "Length (ms)", initial: "8000" }],
    spec: (v) => ({ type: "message", message: { type: "audio", duration: number(v.duration) } }),
  },
  {
    id: "file",
    label: "File",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "fileName", label: "File name", initial: "report.pdf" },
      { name: "fileSize", label: "Size (bytes)", initial: "20480" },
    ],
    spec: (v) => ({ type: "message", message: { type: "file", fileName: v.fileName, fileSize: number(v.fileSize) } }),
  },
  {
    id: "location",
    label: "Location",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "title", label: "Place", initial: "Tokyo Tower" },
      { name: "latitude", label: "Latitude", initial: "35.6586" },
      { name: "longitude", label: "Longitude", initial: "139.7454" },
    ],
    spec: (v) => ({
      type: "message",
      message: { type: "location", ...(v.title && { title: v.title }), latitude: number(v.latitude), longitude: number(v.longitude) },
    }),
  },
  {
    id: "sticker",
    label: "Sticker",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "packageId", label: "Package ID", initial: "446" },
      { name: "stickerId", label: "Sticker ID", initial: "1988" },
    ],
    spec: (v) => ({ type: "message", message: { type: "sticker", packageId: v.packageId, stickerId: v.stickerId } }),
  },
  {
    id: "standby",
    label: "Text in standby mode",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "text", label: "Text", initial: "for the other module" }],
    spec: (v) => ({ type: "message", text: v.text, mode: "standby" }),
  },
  {
    id: "edit",
    label: "Edit an earlier message",
    chats: ["group"],
    actor: "user",
    fields: [
      { name: "messageId", label: "Earlier message", initial: "", options: earlierMessages },
      { name: "text", label: "Edited text", initial: "edited" },
    ],
    spec: (v) => ({ type: "messageEdited", messageId: v.messageId, text: v.text }),
  },
  {
    id: "unsend",
    label: "Unsend an earlier message",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "messageId", label: "Earlier message", initial: "", options: earlierMessages }],
    spec: (v) => ({ type: "unsend", messageId: v.messageId }),
  },
  {
    id: "date",
    label: "Postback from a date picker",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "Data", initial: "action=pick" },
      { name: "date", label: "Date", initial: "2025-01-31" },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { date: v.date } }),
  },
  {
    id: "time",
    label: "Postback from a time picker",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "Data", initial: "action=pick" },
      { name: "time", label: "Time", initial: "12:30" },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { time: v.time } }),
  },
  {
    id: "datetime",
    label: "Postback from a date and time picker",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "Data", initial: "action=pick" },
      { name: "datetime", label: "Date and time", initial: "2025-01-31T12:30" },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { datetime: v.datetime } }),
  },
  {
    id: "richmenu",
    label: "Postback from a rich menu switch",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "Data", initial: "menu=next" },
      { name: "alias", label: "Rich menu alias ID", initial: "richmenu-alias-b" },
      {
        name: "status",
        label: "Switch result",
        initial: "SUCCESS",
        options: () =>
          ["SUCCESS", "RICHMENU_ALIAS_ID_NOTFOUND", "RICHMENU_NOTFOUND", "FAILED"].map((s) => ({ value: s, label: s })),
      },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { newRichMenuAliasId: v.alias, status: v.status } }),
  },
  {
    id: "unblock",
    label: "Follow after unblocking",
    chats: ["user"],
    actor: "user",
    fields: [],
    spec: () => ({ type: "follow", isUnblocked: true }),
  },
  {
    id: "videoPlayComplete",
    label: "Video watched to the end",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "trackingId", label: "Tracking ID", initial: "intro-video" }],
    spec: (v) => ({ type: "videoPlayComplete", trackingId: v.trackingId }),
  },
  {
    id: "beacon",
    label: "Beacon",
    chats: ["user"],
    actor: "user",
    fields: [
      { name: "hwid", label: "Hardware ID", initial: "d41d8cd98f" },
      {
        name: "beaconType",
        label: "Beacon event",
        initial: "enter",
        options: () => ["enter", "banner", "stay"].map((s) => ({ value: s, label: s })),
      },
    ],
    spec: (v) => ({ type: "beacon", hwid: v.hwid, beaconType: v.beaconType }),
  },
  {
    id: "accountLink",
    label: "Account link",
    chats: ["user"],
    actor: "user",
    fields: [
      { name: "nonce", label: "Nonce", initial: "" },
      { name: "result", label: "Result", initial: "ok", options: () => ["ok", "failed"].map((s) => ({ value: s, label: s })) },
    ],
    spec: (v) => ({ type: "accountLink", result: v.result, ...(v.nonce && { nonce: v.nonce }) }),
  },
  { id: "join", label: "The bot joins", chats: chatsOnly, actor: "chat", fields: [], spec: () => ({ type: "join" }) },
  { id: "leave", label: "The bot leaves", chats: chatsOnly, actor: "chat", fields: [], spec: () => ({ type: "leave" }) },
  {
    id: "memberJoined",
    label: "The user joins",
    chats: chatsOnly,
    actor: "member",
    fields: [],
    spec: () => ({ type: "memberJoined" }),
  },
  {
    id: "memberLeft",
    label: "The user leaves",
    chats: chatsOnly,
    actor: "member",
    fields: [],
    spec: () => ({ type: "memberLeft" }),
  },
];

export type SimulatedGroup = { id: string; kind: "group" | "room"; name: string; memberIds: string[] };

/** How a group or room reads in the chat picker and the recent webhooks: its kind, name and members. */
export function describeChat(chat: SimulatedGroup, names: ReadonlyMap<string, string>): string {
  const members = chat.memberIds.map((id) => names.get(id) ?? id).join(", ");
  return chat.kind === "group" ? `Group ${chat.name} (${members})` : `Room (${members})`;
}

/** The chat's fields of a spec: nothing for a one-to-one chat, else its groupId or roomId. */
export function chatFields(chat: SelectedChat): Record<string, string> {
  if (chat.type === "group") return { groupId: chat.id };
  if (chat.type === "room") return { roomId: chat.id };
  return {};
}

/** The spec a kind's values make, with who sent it and where. */
export function specFor(kind: EventKind, values: Record<string, string>, context: KindContext): Record<string, unknown> {
  const spec = kind.spec(values, context);
  const chat = chatFields(context.chat);
  if (kind.actor === "chat") return { ...spec, ...chat };
  if (kind.actor === "member") return { ...spec, ...chat, userIds: [context.userId] };
  return { ...spec, userId: context.userId, ...chat };
}
