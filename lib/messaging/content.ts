import "server-only";
import { db } from "../db";
import { notFoundError } from "../http/api";
import type { MessageContent, WebhookEvent } from "../webhook/payload";

/**
 * The content of what simulated users send: LINE keeps the bytes of image, video, audio and file
 * messages (`contentProvider.type` `line`) for the bot to fetch with
 * `GET /v2/bot/message/{messageId}/content`. No one uploads anything in the Simulator, so the
 * bytes are made up from what the event says of them: a PNG, an MP4 and a WAV of the event's
 * duration, a file of its `fileSize`.
 */

/** The message types whose content a bot may fetch. */
const WITH_CONTENT = new Set(["image", "video", "audio", "file"]);

/** Whether a message sent to the bot has content to fetch. */
export function hasContent(message: MessageContent): boolean {
  return WITH_CONTENT.has(message.type);
}

/** What the endpoint answers with: the type, the length, and the bytes as they are made. */
export type ContentBody = { contentType: string; length: number; chunks: () => Iterable<Uint8Array> };

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==",
  "base64",
);

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, body]);
}

/** An MP4 with no tracks whose movie header says `durationMs`, in milliseconds. */
function mp4(durationMs: number): Buffer {
  const ftyp = box("ftyp", Buffer.from("isom"), Buffer.from([0, 0, 2, 0]), Buffer.from("isomiso2mp41"));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale: milliseconds
  mvhd.writeUInt32BE(durationMs, 16);
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  // The identity matrix.
  mvhd.writeUInt32BE(0x00010000, 36);
  mvhd.writeUInt32BE(0x00010000, 52);
  mvhd.writeUInt32BE(0x40000000, 68);
  mvhd.writeUInt32BE(1, 96); // next track ID
  return Buffer.concat([ftyp, box("moov", box("mvhd", mvhd))]);
}

// Silence at the lowest common rate keeps even a long recording small: 8,000 bytes a second.
const WAV_RATE = 8000;
const CHUNK_BYTES = 64 * 1024;

/** `count` bytes of `value`, in chunks, made as they are read. */
function* filled(count: number, value: number): Generator<Uint8Array> {
  const chunk = new Uint8Array(Math.min(count, CHUNK_BYTES)).fill(value);
  for (let left = count; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/** A mono 8-bit WAV of silence lasting `durationMs`. */
function wav(durationMs: number): ContentBody {
  const samples = Math.ceil((durationMs * WAV_RATE) / 1000);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(36 + samples, 4);
  header.write("WAVEfmt ", 8, "latin1");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(WAV_RATE, 24);
  header.writeUInt32LE(WAV_RATE, 28); // bytes a second
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits a sample
  header.write("data", 36, "latin1");
  header.writeUInt32LE(samples, 40);
  return {
    contentType: "audio/wav",
    length: 44 + samples,
    *chunks() {
      yield header;
      // 8-bit PCM is unsigned: 128 is silence.
      yield* filled(samples, 128);
    },
  };
}

function fixed(contentType: string, bytes: Buffer): ContentBody {
  return { contentType, length: bytes.length, chunks: () => [bytes] };
}

/** The content of a message sent to the bot, or null for a message that has none (text, sticker, location). */
export function contentOf(message: MessageContent): ContentBody | null {
  switch (message.type) {
    case "image":
      return fixed("image/png", PNG);
    case "video":
      return fixed("video/mp4", mp4(message.duration));
    case "audio":
      return wav(message.duration);
    case "file":
      return { contentType: "application/octet-stream", length: message.fileSize, chunks: () => filled(message.fileSize, 0) };
    default:
      return null;
  }
}

/** Remembers where a message with content came from, so that its bot can fetch it later. */
export async function keepSimulatedContent(channelId: string, webhookEventIds: readonly string[]): Promise<void> {
  const events = await db().webhookEvent.findMany({
    where: { webhookEventId: { in: [...webhookEventIds] }, channelId },
    select: { webhookEventId: true, event: true },
  });
  await keepContentOf(channelId, events.map((row) => JSON.parse(row.event) as WebhookEvent));
}

/** Where a message with content came from: the row that lets its bot fetch the content. */
export type ContentRow = { messageId: string; channelId: string; webhookEventId: string };

/** The content row of an event whose message has content (an image, a video, audio, a file), else null. */
export function contentRowOf(channelId: string, event: WebhookEvent): ContentRow | null {
  return event.type === "message" && hasContent(event.message) ? { messageId: event.message.id, channelId, webhookEventId: event.webhookEventId } : null;
}

/** Writes content rows of events stored a moment ago; message IDs are new with their events, so one insert does. */
export async function keepContents(rows: readonly ContentRow[]): Promise<void> {
  if (rows.length > 0) await db().simulatedContent.createMany({ data: [...rows] });
}

/** `keepSimulatedContent` for events in hand, stored a moment ago. */
export async function keepContentOf(channelId: string, events: readonly WebhookEvent[]): Promise<void> {
  await keepContents(events.flatMap((event) => contentRowOf(channelId, event) ?? []));
}

/**
 * How many of a channel's newest events to look through for a message whose content row is not
 * written yet: the row follows its event by moments, and the dispatcher may send the event first.
 */
const JUST_ACCEPTED = 20;

/** The Simulator's or a script's message event of the channel with this message ID, found by its content row or among the newest events. */
async function findMessageEvent(channelId: string, messageId: string): Promise<MessageContent | null> {
  const kept = await db().simulatedContent.findUnique({
    where: { messageId },
    select: { channelId: true, event: { select: { event: true } } },
  });
  if (kept) {
    if (kept.channelId !== channelId) return null;
    const event = JSON.parse(kept.event.event) as WebhookEvent;
    return event.type === "message" ? event.message : null;
  }
  const newest = await db().webhookEvent.findMany({
    where: { channelId },
    orderBy: { seq: "desc" },
    take: JUST_ACCEPTED,
    select: { origin: true, type: true, event: true },
  });
  for (const row of newest) {
    if (row.origin === "load" || row.type !== "message") continue;
    const event = JSON.parse(row.event) as WebhookEvent;
    if (event.type === "message" && event.message.id === messageId) return event.message;
  }
  return null;
}

/**
 * `GET /v2/bot/message/{messageId}/content`: the bytes of an image, video, audio or file a
 * simulated user of the channel sent, from the Simulator or the script endpoint. A message ID no one sent, another channel's message, and a
 * message with no content (text, sticker, location) all get LINE's 404 `Not found`.
 */
export async function getMessageContent(channelId: string, messageId: string): Promise<ContentBody> {
  const message = /^\d{1,30}$/.test(messageId) ? await findMessageEvent(channelId, messageId) : null;
  const content = message && contentOf(message);
  if (!content) throw notFoundError("Not found");
  return content;
}
