import { apiRoute, notFoundError } from "@/lib/http/api";

// Scripts written for LINE may call APIs this console does not have (rich menus, insights, ...): they get
// LINE's JSON 404 with a request ID, not an HTML page.
const unknownEndpoint = apiRoute<{ path: string[] }>(async () => {
  throw notFoundError("Not found");
});

export const GET = unknownEndpoint;
export const POST = unknownEndpoint;
export const PUT = unknownEndpoint;
export const PATCH = unknownEndpoint;
export const DELETE = unknownEndpoint;
export const HEAD = unknownEndpoint;
export const OPTIONS = unknownEndpoint;
