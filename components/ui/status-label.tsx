/** The tones a status can have; each is a class in app/globals.css, so no page spells a colour. */
export type StatusTone = "success" | "warning" | "danger" | "muted";

/** A status in words, coloured by how it went: a send, an event, an email. */
export function StatusLabel({
  tone,
  isStrong = false,
  children,
}: {
  tone: StatusTone;
  isStrong?: boolean;
  children: React.ReactNode;
}) {
  return <span className={isStrong ? `status-${tone} status-strong` : `status-${tone}`}>{children}</span>;
}
