import { apiRoute, jsonResponse, otherMethods, readBodyBytes, type ApiContext } from "@/lib/http/api";
import { issueTokenForClientCredentials } from "@/lib/console/tokens";

// This endpoint answers errors in OAuth's shape, as channel-access-token.yml defines it.
function oauthError(context: ApiContext, error: string, description: string) {
  return jsonResponse(400, { error, error_description: description }, context);
}

// A channel ID, a secret and a grant type fit in far less.
const MAX_BODY_BYTES = 4 * 1024;

/** Issues a short-lived channel access token for a channel ID and secret (client credentials). */
export const POST = apiRoute<Record<string, never>>(async (req, _params, context) => {
  const type = req.headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) {
    return oauthError(context, "invalid_request", "send the body as application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(new TextDecoder().decode(await readBodyBytes(req, MAX_BODY_BYTES)));
  const clientId = form.get("client_id");
  const clientSecret = form.get("client_secret");
  if (!form.get("grant_type") || !clientId || !clientSecret) {
    return oauthError(context, "invalid_request", "some parameters missed or invalid");
  }
  if (form.get("grant_type") !== "client_credentials") {
    return oauthError(context, "unsupported_grant_type", "grant_type must be client_credentials");
  }
  const issued = await issueTokenForClientCredentials(clientId, clientSecret);
  if (!issued) return oauthError(context, "invalid_client", "invalid client_id or client_secret");
  return jsonResponse(200, { access_token: issued.token, expires_in: issued.expiresIn, token_type: "Bearer" }, context);
});

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
