import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { hitRateLimit, type RateLimitClass } from "./rate-limit";
import { channelForToken } from "../console/tokens";
import { listProblems, storageFailure, type Problem } from "../errors";
import { logger } from "../log";

/** One problem with a request, in LINE's error shape: `{message, details: [{property, message}]}`. */
export type ApiErrorDetail = Problem;

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
      const storage = storageFailure(error);
      if (storage) {
        return jsonResponse(storage.status, { message: storage.message }, context, { "Retry-After": storage.status === 503 ? "1" : "30" });
      }
      if (error instanceof ApiError) {
        const body = error.details.length > 0 ? { message: error.message, details: error.details } : { message: error.message };
        return jsonResponse(error.status, body, context, error.headers);
      }
      logger().error({ err: error, requestId: context.requestId }, "an API request failed");
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

function bodyTooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `The request body must be at most ${maxBytes} bytes.`);
}

/**
 * Reads a request's body, counting bytes as they arrive, chunked bodies included: a 413 is thrown
 * once more than `maxBytes` have come, so nothing larger is ever held in memory.
 */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw bodyTooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      // The rest is left unread rather than cancelled: cancelling would close the connection
      // before the 413 could be written to it.
      if (size > maxBytes) throw bodyTooLarge(maxBytes);
      chunks.push(read.value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Whether a Content-Type header names JSON (`application/json`, or a `+json` type). */
function isJsonType(contentType: string): boolean {
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

function unsupportedMediaType(): ApiError {
  return new ApiError(415, "The request body must be sent as application/json.");
}

/**
 * Reads a JSON body of at most `maxBytes`; an empty body reads as `undefined`. A body of another
 * content type is a 415, refused before it is read.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const contentType = req.headers.get("content-type");
  if (contentType !== null && !isJsonType(contentType)) throw unsupportedMediaType();
  const text = new TextDecoder().decode(await readBodyBytes(req, maxBytes));
  if (text.trim() === "") return undefined;
  // A body without a type may be anything; only an absent body needs none.
  if (contentType === null) throw unsupportedMediaType();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "The request body has 1 error(s)", [{ message: "The request body is not valid JSON." }]);
  }
}

/** 400 in LINE's shape, e.g. `The request body has 1 error(s)` with the property at fault. */
export function badRequest(message: string, details: ApiErrorDetail[] = []): ApiError {
  return new ApiError(400, message, details);
}

/** 404 in LINE's shape, for a handler to throw. */
export function notFoundError(message = "Not found"): ApiError {
  return new ApiError(404, message);
}

/** LINE's 400 for a webhook URL it will not save or test; the detail says what is wrong with it. */
export function invalidWebhookEndpoint(problem: string): ApiError {
  return badRequest("Invalid webhook endpoint URL", [{ property: "endpoint", message: problem }]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The request's `X-Line-Retry-Key` in lowercase, or null without one; a key that is not a UUID
 * gets LINE's 400.
 */
export function readRetryKey(req: Request): string | null {
  const key = req.headers.get("x-line-retry-key");
  if (key === null) return null;
  if (!UUID.test(key)) throw badRequest("The value for the 'X-Line-Retry-Key' header is invalid");
  return key.toLowerCase();
}

/**
 * LINE's 409 for a retry key already accepted: the first request's ID in
 * `X-Line-Accepted-Request-Id`, and what it accepted in the body.
 */
export function retryKeyAccepted(acceptedRequestId: string, accepted: object, context: ApiContext): Response {
  return jsonResponse(409, { message: "The retry key is already accepted", ...accepted }, context, {
    "X-Line-Accepted-Request-Id": acceptedRequestId,
  });
}

/** 429 with LINE's message once a channel has used up a class of endpoint's window. */
export async function enforceRateLimit(
  channelId: string,
  limitClass: RateLimitClass,
  now: number = Date.now(),
): Promise<void> {
  const outcome = await hitRateLimit(channelId, limitClass, now);
  if (outcome.allowed) return;
  const retryAfter = Math.max(1, Math.ceil((outcome.resetAt - now) / 1000));
  throw new ApiError(429, "The API rate limit has been exceeded. Try again later.", [], {
    "Retry-After": String(retryAfter),
  });
}

/** Checks a body read with readJsonBody against a schema; every problem becomes one detail of a 400. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = listProblems(result.error);
  throw badRequest(`The request body has ${details.length} error(s)`, details);
}

/** What a channel API handler gets: the channel the token stands for, the path's parameters and the checked body. */
export type ChannelApiRequest<B, P> = { req: Request; channelId: string; params: P; body: B; context: ApiContext };

export type ChannelApiOptions<B, P> = {
  /** The rate limit every authenticated request counts against. */
  rateLimit: RateLimitClass;
  /** The JSON body's schema; without one the body is not read. An absent body reads as undefined. */
  body?: z.ZodType<B>;
  maxBodyBytes?: number;
  /** The status of a handled request; 200 unless the endpoint only accepts work to do later (202). */
  status?: number;
  /**
   * For a path that names a channel, the channel it names: a token of any other channel gets 404
   * before its rate limit counts, and learns nothing about this one.
   */
  pathChannel?: (params: P) => string;
};

// The Messaging API's bodies are small (a URL of at most 500 characters).
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * The wrapper for the endpoints a channel access token opens: the bearer token (401), the channel
 * the path names (404), the channel's rate limit (429), the body (400), and LINE's error shape, in
 * that order, so that a handler is only what the endpoint does. A handler returns the body of the
 * endpoint's status (200 unless `status` says otherwise), or a Response of its own.
 */
export function channelApiRoute<B = undefined, P = Record<string, never>>(
  options: ChannelApiOptions<B, P>,
  handler: (request: ChannelApiRequest<B, P>) => Promise<unknown>,
): (req: Request, ctx: { params: Promise<P> }) => Promise<Response> {
  return apiRoute<P>(async (req, params, context) => {
    const channelId = await requireChannelToken(req);
    if (options.pathChannel && options.pathChannel(params) !== channelId) {
      throw notFoundError("Not found: no channel with this ID for this access token.");
    }
    await enforceRateLimit(channelId, options.rateLimit);
    // Without a schema the endpoint takes no body, and B is its default, undefined.
    const body = options.body
      ? parseBody(options.body, await readJsonBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES))
      : (undefined as B);
    const result = await handler({ req, channelId, params, body, context });
    return result instanceof Response ? result : jsonResponse(options.status ?? 200, result, context);
  });
}

/**
 * The handlers for the methods a route does not have, for it to export the ones it lacks: 405 in
 * LINE's shape, with `Allow`, so that even a wrong method gets an `X-Line-Request-Id`; and
 * OPTIONS, 204 with the methods the route answers and a request ID.
 */
export function otherMethods(allowed: string[]) {
  const notAllowed = apiRoute<Record<string, string | string[]>>(async () => {
    throw new ApiError(405, "Method Not Allowed", [], { Allow: allowHeader(allowed) });
  });
  const options = apiRoute<Record<string, string | string[]>>(async (_req, _params, context) => {
    return new Response(null, { status: 204, headers: { Allow: allowHeader(allowed), "X-Line-Request-Id": context.requestId } });
  });
  return { GET: notAllowed, POST: notAllowed, PUT: notAllowed, PATCH: notAllowed, DELETE: notAllowed, HEAD: notAllowed, OPTIONS: options };
}

/** A route's Allow header: its methods, HEAD with GET (answered as GET is), and OPTIONS. */
function allowHeader(allowed: string[]): string {
  return [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
}
