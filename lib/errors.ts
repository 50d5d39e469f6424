/** The thing does not exist, or the user may not know that it does: both answer 404. */
export class NotFoundError extends Error {
  constructor(message = "Not found.") {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The user may see the thing but not change it. */
export class ForbiddenError extends Error {
  constructor(message = "Only an Admin of this channel can do that.") {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** The input was wrong; the message says how, in words a user understands. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** The message a user should see for an error thrown by the domain, or null for our own bugs. */
export function userMessage(error: unknown): string | null {
  if (error instanceof NotFoundError || error instanceof ForbiddenError || error instanceof InputError) {
    return error.message;
  }
  return null;
}
