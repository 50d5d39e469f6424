/**
 * The Simulator's "More events": each kind of event a user, group or room can send besides the
 * plain text, postback, follow and unfollow, as data. A kind names the chats it happens in, the
 * fields it asks for and how their values become the script endpoint's event spec; the panel
 * adds who sent it and where. Labels are keys of the catalogue's `simulator` sentences, so that
 * each user reads them in their own language; the values sent are LINE's.
 */

import type { useTranslations } from "next-intl";
import type { Messages } from "@/lib/i18n/messages";

/** The catalogue's `simulator` sentences, as `useTranslations` or `getTranslations` gives them. */
export type SimulatorWords = ReturnType<typeof useTranslations<"simulator">>;

type Simulator = Messages["simulator"];

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
  label: keyof Simulator["fields"];
  /** What the field starts with: a value as it is, or a sample text in the user's language. */
  initial: string | { sample: keyof Simulator["samples"] };
  /** A select's choices; a text input without. */
  options?: (context: KindContext, t: SimulatorWords) => Option[];
};

/**
 * Who an event is from: a user in the chat (`user`), the group or room itself (`chat`), or the
 * group or room with the selected user as the member who joined or left (`member`).
 */
type Actor = "user" | "chat" | "member";

export type EventKind = {
  /** Also the key of its name among the catalogue's `simulator.kinds`. */
  id: keyof Simulator["kinds"];
  chats: readonly ChatType[];
  actor: Actor;
  fields: readonly Field[];
  spec: (values: Record<string, string>, context: KindContext) => Record<string, unknown>;
};

const everywhere: ChatType[] = ["user", "group", "room"];
const chatsOnly: ChatType[] = ["group", "room"];

const earlierMessages = (context: KindContext): Option[] =>
  context.earlierMessages.map((m) => ({ value: m.messageId, label: `${m.summary || "message"} (${m.messageId})` }));

const others = (context: KindContext, t: SimulatorWords): Option[] => {
  const ids = context.chat.type === "user" ? [] : context.chat.memberIds.filter((id) => id !== context.userId);
  return [{ value: "all", label: t("more.everyone") }, ...ids.map((id) => ({ value: id, label: context.names.get(id) ?? id }))];
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
    chats: chatsOnly,
    actor: "user",
    fields: [
      { name: "mentionee", label: "mentionee", initial: "all", options: others },
      { name: "text", label: "textAfterMention", initial: { sample: "mention" } },
    ],
    spec: mentionSpec,
  },
  {
    id: "emoji",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "text", label: "textBeforeEmoji", initial: { sample: "emoji" } }],
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
    chats: everywhere,
    actor: "user",
    fields: [],
    spec: () => ({ type: "message", message: { type: "image" } }),
  },
  {
    id: "video",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "duration", label: "length", initial: "15000" }],
    spec: (v) => ({ type: "message", message: { type: "video", duration: number(v.duration) } }),
  },
  {
    id: "audio",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "duration", label: "length", initial: "8000" }],
    spec: (v) => ({ type: "message", message: { type: "audio", duration: number(v.duration) } }),
  },
  {
    id: "file",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "fileName", label: "fileName", initial: "report.pdf" },
      { name: "fileSize", label: "fileSize", initial: "20480" },
    ],
    spec: (v) => ({ type: "message", message: { type: "file", fileName: v.fileName, fileSize: number(v.fileSize) } }),
  },
  {
    id: "location",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "title", label: "place", initial: { sample: "place" } },
      { name: "latitude", label: "latitude", initial: "35.6586" },
      { name: "longitude", label: "longitude", initial: "139.7454" },
    ],
    spec: (v) => ({
      type: "message",
      message: { type: "location", ...(v.title && { title: v.title }), latitude: number(v.latitude), longitude: number(v.longitude) },
    }),
  },
  {
    id: "sticker",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "packageId", label: "packageId", initial: "446" },
      { name: "stickerId", label: "stickerId", initial: "1988" },
    ],
    spec: (v) => ({ type: "message", message: { type: "sticker", packageId: v.packageId, stickerId: v.stickerId } }),
  },
  {
    id: "standby",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "text", label: "text", initial: { sample: "standby" } }],
    spec: (v) => ({ type: "message", text: v.text, mode: "standby" }),
  },
  {
    id: "edit",
    chats: ["group"],
    actor: "user",
    fields: [
      { name: "messageId", label: "earlierMessage", initial: "", options: earlierMessages },
      { name: "text", label: "editedText", initial: { sample: "edited" } },
    ],
    spec: (v) => ({ type: "messageEdited", messageId: v.messageId, text: v.text }),
  },
  {
    id: "unsend",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "messageId", label: "earlierMessage", initial: "", options: earlierMessages }],
    spec: (v) => ({ type: "unsend", messageId: v.messageId }),
  },
  {
    id: "date",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "data", initial: "action=pick" },
      { name: "date", label: "date", initial: "2025-01-31" },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { date: v.date } }),
  },
  {
    id: "time",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "data", initial: "action=pick" },
      { name: "time", label: "time", initial: "12:30" },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { time: v.time } }),
  },
  {
    id: "datetime",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "data", initial: "action=pick" },
      { name: "datetime", label: "datetime", initial: "2025-01-31T12:30" },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { datetime: v.datetime } }),
  },
  {
    id: "richmenu",
    chats: everywhere,
    actor: "user",
    fields: [
      { name: "data", label: "data", initial: "menu=next" },
      { name: "alias", label: "alias", initial: "richmenu-alias-b" },
      {
        name: "status",
        label: "switchResult",
        initial: "SUCCESS",
        options: () =>
          ["SUCCESS", "RICHMENU_ALIAS_ID_NOTFOUND", "RICHMENU_NOTFOUND", "FAILED"].map((s) => ({ value: s, label: s })),
      },
    ],
    spec: (v) => ({ type: "postback", data: v.data, params: { newRichMenuAliasId: v.alias, status: v.status } }),
  },
  {
    id: "unblock",
    chats: ["user"],
    actor: "user",
    fields: [],
    spec: () => ({ type: "follow", isUnblocked: true }),
  },
  {
    id: "videoPlayComplete",
    chats: everywhere,
    actor: "user",
    fields: [{ name: "trackingId", label: "trackingId", initial: "intro-video" }],
    spec: (v) => ({ type: "videoPlayComplete", trackingId: v.trackingId }),
  },
  {
    id: "beacon",
    chats: ["user"],
    actor: "user",
    fields: [
      { name: "hwid", label: "hwid", initial: "d41d8cd98f" },
      {
        name: "beaconType",
        label: "beaconEvent",
        initial: "enter",
        options: () => ["enter", "banner", "stay"].map((s) => ({ value: s, label: s })),
      },
    ],
    spec: (v) => ({ type: "beacon", hwid: v.hwid, beaconType: v.beaconType }),
  },
  {
    id: "accountLink",
    chats: ["user"],
    actor: "user",
    fields: [
      { name: "nonce", label: "nonce", initial: "" },
      { name: "result", label: "result", initial: "ok", options: () => ["ok", "failed"].map((s) => ({ value: s, label: s })) },
    ],
    spec: (v) => ({ type: "accountLink", result: v.result, ...(v.nonce && { nonce: v.nonce }) }),
  },
  { id: "join", chats: chatsOnly, actor: "chat", fields: [], spec: () => ({ type: "join" }) },
  { id: "leave", chats: chatsOnly, actor: "chat", fields: [], spec: () => ({ type: "leave" }) },
  {
    id: "memberJoined",
    chats: chatsOnly,
    actor: "member",
    fields: [],
    spec: () => ({ type: "memberJoined" }),
  },
  {
    id: "memberLeft",
    chats: chatsOnly,
    actor: "member",
    fields: [],
    spec: () => ({ type: "memberLeft" }),
  },
];

export type SimulatedGroup = { id: string; kind: "group" | "room"; name: string; memberIds: string[] };

/** How a group or room reads in the chat picker and the recent webhooks: its kind, name and members. */
export function describeChat(chat: SimulatedGroup, names: ReadonlyMap<string, string>, t: SimulatorWords): string {
  const members = chat.memberIds.map((id) => names.get(id) ?? id).join(", ");
  return chat.kind === "group" ? t("chats.group", { name: chat.name, members }) : t("chats.room", { members });
}

/** The text a field starts with, in the user's language for a sample text. */
export function initialValue(field: Field, t: SimulatorWords): string {
  return typeof field.initial === "string" ? field.initial : t(`samples.${field.initial.sample}`);
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
