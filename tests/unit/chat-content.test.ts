import { describe, expect, test } from "vitest";
import { actionSpec } from "@/components/simulator/conversation";
import { contentOf } from "@/lib/messaging/content";
import type { MessageAction } from "@/lib/messaging/message-schema";
import type { MessageContent } from "@/lib/webhook/payload";

const line = { type: "line" } as const;

function bytesOf(content: NonNullable<ReturnType<typeof contentOf>>): Buffer {
  return Buffer.concat([...content.chunks()].map((chunk) => Buffer.from(chunk)));
}

describe("the content of what simulated users send", () => {
  test.each<[string, MessageContent, string, number]>([
    ["an image: a 1×1 PNG", { type: "image", id: "1", quoteToken: "q", contentProvider: line }, "image/png", 70],
    ["a video: an MP4 header", { type: "video", id: "2", quoteToken: "q", duration: 10_000, contentProvider: line }, "video/mp4", 144],
    ["a second of audio: 8,000 samples", { type: "audio", id: "3", duration: 1000, contentProvider: line }, "audio/wav", 44 + 8000],
    ["an empty file", { type: "file", id: "4", fileName: "empty.txt", fileSize: 0 }, "application/octet-stream", 0],
    ["a file larger than a chunk", { type: "file", id: "5", fileName: "big.bin", fileSize: 200_001 }, "application/octet-stream", 200_001],
  ])("%s", (_name, message, contentType, length) => {
    const content = contentOf(message)!;
    expect([content.contentType, content.length]).toEqual([contentType, length]);
    expect(bytesOf(content).length).toBe(length);
  });

  test("an hour of audio is a WAV header that says so, made as it is read", () => {
    const content = contentOf({ type: "audio", id: "6", duration: 3_600_000, contentProvider: line })!;
    const [header] = content.chunks();
    expect(Buffer.from(header!).readUInt32LE(40)).toBe(3600 * 8000);
    expect(content.length).toBe(44 + 3600 * 8000);
  });

  test.each<[string, MessageContent]>([
    ["text", { type: "text", id: "7", quoteToken: "q", text: "hi" }],
    ["a sticker", { type: "sticker", id: "8", quoteToken: "q", packageId: "446", stickerId: "1988", stickerResourceType: "STATIC" }],
    ["a location", { type: "location", id: "9", latitude: 35, longitude: 139 }],
  ])("%s has none", (_name, message) => {
    expect(contentOf(message)).toBeNull();
  });
});

describe("what a tap on a bot's button sends back", () => {
  const at = new Date("2025-01-31T15:30:00Z"); // 2025-02-01 00:30 in UTC+9
  test.each<[string, MessageAction, Record<string, unknown> | null]>([
    ["a message action: its text", { type: "message", label: "Yes", text: "yes" }, { type: "message", text: "yes" }],
    ["a postback: its data", { type: "postback", label: "Buy", data: "action=buy", displayText: "Buy it" }, { type: "postback", data: "action=buy" }],
    ["a date picker: its initial date", { type: "datetimepicker", label: "Day", data: "d", mode: "date", initial: "2025-03-01" }, { type: "postback", data: "d", params: { date: "2025-03-01" } }],
    ["a date picker without one: today in UTC+9", { type: "datetimepicker", label: "Day", data: "d", mode: "date" }, { type: "postback", data: "d", params: { date: "2025-02-01" } }],
    ["a time picker: now in UTC+9", { type: "datetimepicker", label: "At", data: "t", mode: "time" }, { type: "postback", data: "t", params: { time: "00:30" } }],
    ["a date and time picker", { type: "datetimepicker", label: "When", data: "w", mode: "datetime" }, { type: "postback", data: "w", params: { datetime: "2025-02-01T00:30" } }],
    ["a link: nothing", { type: "uri", label: "Site", uri: "https://example.com" }, null],
    ["the camera: nothing", { type: "camera", label: "Camera" }, null],
  ])("%s", (_name, action, spec) => {
    expect(actionSpec(action, at)).toEqual(spec);
  });
});
