import "server-only";
import { randomUUID } from "node:crypto";
import { channelForToken } from "./tokens";

/** One problem with a request, in LINE's error shape: `{message, details: [{property, message}]}`. */
export type ApiErrorDetail = { property?: string; message: string };

/** An error a handler throws to answer with LINE's status code and error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: ApiErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type ApiContext = { requestId: string };

/** A JSON response carrying the request ID, as LINE's API responses do. */
export function jsonResponse(status: number, body: unknown, context: ApiContext, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "X-Line-Request-Id": context.requestId, ...headers },
  });
}

/**
 * The one wrapper for API route handlers: gives each request an ID, and turns ApiErrors and our
 * own failures into LINE's error shape. Handlers stay a few lines long.
 */
export function apiRoute<P>(
  handler: (req: Request, params: P, context: ApiContext) => Promise<Response>,
): (req: Request, ctx: { params: Promise<P> }) => Promise<Response> {
  return async (req, ctx) => {
    const context: ApiContext = { requestId: randomUUID() };
    try {
      return await handler(req, await ctx.params, context);
    } catch (error) {
      if (error instanceof ApiError) {
        const body = error.details.length > 0 ? { message: error.message, details: error.details } : { message: error.message };
        return jsonResponse(error.status, body, context, error.headers);
      }
      console.error(error);
      return jsonResponse(500, { message: "An internal error occurred. Nothing was changed." }, context);
    }
  };
}

/** The channel whose access token authorises the request, or a 401. */
export async function requireChannelToken(req: Request): Promise<string> {
  const header = req.headers.get("authorization") ?? "";
  const match = header.match(/^Bearer\s+(\S+)$/i);
  if (!match) {
    throw new ApiError(401, "Authentication failed. Confirm that the access token in the authorization field is valid.");
  }
  const channelId = await channelForToken(match[1]);
  if (!channelId) throw new ApiError(401, "Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization field is valid.");
  return channelId;
}

/** Reads a JSON body of at most `maxBytes`; an empty body reads as `undefined`. */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new ApiError(413, `The request body must be at most ${maxBytes} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new ApiError(413, `The request body must be at most ${maxBytes} bytes.`);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "The request body has 1 error(s)", [{ message: "The request body is not valid JSON." }]);
  }
}
