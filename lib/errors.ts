import type { z } from "zod";

/** The thing does not exist, or the user may not know that it does: both answer 404. */
export class NotFoundError extends Error {
  constructor(message = "Not found.") {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The input was wrong; the message says how, in words a user understands. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** One problem with an input: the property at fault, as LINE names it (`events[1].text`), and what is wrong. */
export type Problem = { property?: string; message: string };

/** `events[1].text` for the path `["events", 1, "text"]`. */
function propertyName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

/** Every problem of a failed parse, in the order the schema found them. */
export function listProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const property = propertyName(issue.path);
    return property ? { property, message: issue.message } : { message: issue.message };
  });
}

/**
 * Checks input against a schema, or throws an InputError that lists every problem. The console's
 * schemas word each message as a sentence, so the messages are shown without their property.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InputError(listProblems(result.error).map((p) => p.message).join(" "));
}

/** The message a user should see for an error thrown by the domain, or null for our own bugs. */
export function userMessage(error: unknown): string | null {
  if (error instanceof NotFoundError || error instanceof InputError) return error.message;
  return null;
}
