import { useTranslations } from "next-intl";
import type { BotMessageObject, MessageAction } from "@/lib/messaging/message-schema";
import type { MessageContent } from "@/lib/webhook/payload";

/**
 * What a chat shows of a message, well enough to read: text (LINE emojis as text), stickers as a
 * labelled tile, images and videos as a placeholder with their URL (nothing is fetched), and the
 * alt text, texts and buttons of flex and template messages. Buttons whose action sends
 * something (a message, a postback, a date or time) call `onAction`; a link opens.
 */

export type ActionHandler = (action: MessageAction) => void;

/** Whether a tap on this action sends an event back from the user. */
export function isSendingAction(action: MessageAction): boolean {
  return action.type === "message" || action.type === "postback" || action.type === "datetimepicker";
}

/** A button for an action: it sends, opens its link, or shows what it would do. */
export function ActionButton({ action, onAction, disabled }: { action: MessageAction; onAction: ActionHandler; disabled: boolean }) {
  const t = useTranslations("simulator.message");
  const label = action.label ?? action.type;
  if (action.type === "uri") {
    return (
      <a className="button" href={action.uri} target="_blank" rel="noreferrer noopener">
        {label}
      </a>
    );
  }
  if (!isSendingAction(action)) {
    return (
      <button className="button" type="button" disabled title={t("nothingToSimulate", { type: action.type })}>
        {label}
      </button>
    );
  }
  return (
    <button className="button" type="button" disabled={disabled} onClick={() => onAction(action)}>
      {label}
    </button>
  );
}

function Actions({ actions, onAction, disabled }: { actions: readonly MessageAction[]; onAction: ActionHandler; disabled: boolean }) {
  return (
    <div className="chat-actions">
      {actions.map((action, i) => (
        <ActionButton key={i} action={action} onAction={onAction} disabled={disabled} />
      ))}
    </div>
  );
}

/** A text with its LINE emojis (`$` placeholders in a bot's text) written as `(emoji …)`. */
function textWithEmojis(text: string, emojis: readonly { index: number; productId: string; emojiId: string }[] | undefined): string {
  if (!emojis || emojis.length === 0) return text;
  let out = "";
  let at = 0;
  for (const emoji of [...emojis].sort((a, b) => a.index - b.index)) {
    out += text.slice(at, emoji.index) + `(emoji ${emoji.productId}/${emoji.emojiId})`;
    at = emoji.index + 1;
  }
  return out + text.slice(at);
}

function Placeholder({ kind, children }: { kind: string; children: React.ReactNode }) {
  return (
    <div className="chat-placeholder">
      <strong>{kind}</strong> {children}
    </div>
  );
}

function Url({ url }: { url: string }) {
  return <span className="mono chat-url">{url}</span>;
}

type FlexNode = { type?: unknown; text?: unknown; contents?: unknown; action?: unknown; url?: unknown; [key: string]: unknown };

/** The readable parts of a Flex container, in order: texts, images and buttons. */
function flexParts(node: unknown, parts: ({ text: string } | { image: string } | { action: MessageAction })[] = []) {
  if (typeof node !== "object" || node === null) return parts;
  const n = node as FlexNode;
  if (n.type === "text" || n.type === "span") {
    if (typeof n.text === "string") parts.push({ text: n.text });
    else if (Array.isArray(n.contents)) parts.push({ text: n.contents.map((s: FlexNode) => (typeof s.text === "string" ? s.text : "")).join("") });
    return parts;
  }
  if (n.type === "button" && n.action) {
    parts.push({ action: n.action as MessageAction });
    return parts;
  }
  if (n.type === "image" && typeof n.url === "string") {
    parts.push({ image: n.url });
    return parts;
  }
  for (const key of ["header", "hero", "body", "footer"]) flexParts(n[key], parts);
  if (Array.isArray(n.contents)) for (const child of n.contents) flexParts(child, parts);
  return parts;
}

function Flex({ contents, onAction, disabled }: { contents: unknown; onAction: ActionHandler; disabled: boolean }) {
  const t = useTranslations("simulator.message");
  const bubbles = (contents as FlexNode).type === "carousel" && Array.isArray((contents as FlexNode).contents) ? ((contents as FlexNode).contents as unknown[]) : [contents];
  return (
    <div className="chat-cards">
      {bubbles.map((bubble, i) => (
        <div key={i} className="chat-card" data-testid="flex-bubble">
          {flexParts(bubble).map((part, j) =>
            "text" in part ? (
              <p key={j}>{part.text}</p>
            ) : "image" in part ? (
              <Placeholder key={j} kind={t("image")}>
                <Url url={part.image} />
              </Placeholder>
            ) : (
              <ActionButton key={j} action={part.action} onAction={onAction} disabled={disabled} />
            ),
          )}
        </div>
      ))}
    </div>
  );
}

type Template = Extract<BotMessageObject, { type: "template" }>["template"];

function TemplateBody({ template, onAction, disabled }: { template: Template; onAction: ActionHandler; disabled: boolean }) {
  const t = useTranslations("simulator.message");
  switch (template.type) {
    case "buttons":
      return (
        <div className="chat-card">
          {template.thumbnailImageUrl && (
            <Placeholder kind={t("image")}>
              <Url url={template.thumbnailImageUrl} />
            </Placeholder>
          )}
          {template.title && <strong>{template.title}</strong>}
          <p>{template.text}</p>
          <Actions actions={template.actions} onAction={onAction} disabled={disabled} />
        </div>
      );
    case "confirm":
      return (
        <div className="chat-card">
          <p>{template.text}</p>
          <Actions actions={template.actions} onAction={onAction} disabled={disabled} />
        </div>
      );
    case "carousel":
      return (
        <div className="chat-cards">
          {template.columns.map((column, i) => (
            <div key={i} className="chat-card">
              {column.title && <strong>{column.title}</strong>}
              <p>{column.text}</p>
              <Actions actions={column.actions} onAction={onAction} disabled={disabled} />
            </div>
          ))}
        </div>
      );
    case "image_carousel":
      return (
        <div className="chat-cards">
          {template.columns.map((column, i) => (
            <div key={i} className="chat-card">
              <Placeholder kind={t("image")}>
                <Url url={column.imageUrl} />
              </Placeholder>
              <Actions actions={[column.action]} onAction={onAction} disabled={disabled} />
            </div>
          ))}
        </div>
      );
  }
}

/** A message the bot sent, as the chat shows it. */
export function BotMessageView({ message, onAction, disabled }: { message: BotMessageObject; onAction: ActionHandler; disabled: boolean }) {
  const t = useTranslations("simulator.message");
  switch (message.type) {
    case "text":
      return <p className="chat-text">{textWithEmojis(message.text, message.emojis)}</p>;
    case "sticker":
      return (
        <div className="chat-sticker" data-testid="sticker">
          {t("sticker", { packageId: message.packageId, stickerId: message.stickerId })}
        </div>
      );
    case "image":
      return (
        <Placeholder kind={t("image")}>
          <Url url={message.originalContentUrl} />
        </Placeholder>
      );
    case "video":
      return (
        <Placeholder kind={t("video")}>
          <Url url={message.originalContentUrl} />
        </Placeholder>
      );
    case "audio":
      return (
        <Placeholder kind={t("audio")}>
          {t("seconds", { seconds: message.duration / 1000 })} <Url url={message.originalContentUrl} />
        </Placeholder>
      );
    case "location":
      return (
        <Placeholder kind={t("location")}>
          {message.title} · {message.address} ({message.latitude}, {message.longitude})
        </Placeholder>
      );
    case "imagemap":
      return (
        <Placeholder kind={t("imagemap")}>
          {message.altText} <Url url={message.baseUrl} />
        </Placeholder>
      );
    case "template":
      return (
        <div>
          <p className="muted small">{message.altText}</p>
          <TemplateBody template={message.template} onAction={onAction} disabled={disabled} />
        </div>
      );
    case "flex":
      return (
        <div>
          <p className="muted small">{message.altText}</p>
          <Flex contents={message.contents} onAction={onAction} disabled={disabled} />
        </div>
      );
  }
}

/** A message a simulated user sent, as the chat shows it. */
export function UserMessageView({ message }: { message: MessageContent }) {
  const t = useTranslations("simulator.message");
  switch (message.type) {
    case "text":
      // Webhook texts carry LINE emojis as their own words, e.g. "(love)": shown as sent.
      return <p className="chat-text">{message.text}</p>;
    case "sticker":
      return (
        <div className="chat-sticker" data-testid="sticker">
          {t("sticker", { packageId: message.packageId, stickerId: message.stickerId })}
        </div>
      );
    case "image":
    case "video":
      return (
        <Placeholder kind={t(message.type)}>
          <span className="mono">{t("content", { id: message.id })}</span>
        </Placeholder>
      );
    case "audio":
      return <Placeholder kind={t("audio")}>{t("seconds", { seconds: message.duration / 1000 })}</Placeholder>;
    case "file":
      return (
        <Placeholder kind={t("file")}>
          {message.fileName} · {t("bytes", { size: message.fileSize })}
        </Placeholder>
      );
    case "location":
      return (
        <Placeholder kind={t("location")}>
          {message.title ?? ""} {message.address ?? ""} ({message.latitude}, {message.longitude})
        </Placeholder>
      );
  }
}
