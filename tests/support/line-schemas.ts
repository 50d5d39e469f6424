import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import type { Definition } from "ts-json-schema-generator";

/** Checks data against one of an API's types; returns the errors, if any. */
export type SchemaCheck = (typeName: string, data: unknown) => string[];

/** The parts of `@line/bot-sdk` whose types the tests check against, by the SDK's folder name. */
export type LineApi = "webhook" | "messaging-api" | "channel-access-token";

type Definitions = Record<string, Definition>;

/** The types each API's checker knows: what the console sends or answers, and what holds it. */
const TYPES: Record<LineApi, string[]> = {
  webhook: ["CallbackRequest", "Event"],
  "messaging-api": [
    "ErrorResponse",
    "TestWebhookEndpointResponse",
    "GetWebhookEndpointResponse",
    "ReplyMessageResponse",
    "PushMessageResponse",
    "UserProfileResponse",
    "Message",
  ],
  "channel-access-token": ["ErrorResponse", "IssueShortLivedChannelAccessTokenResponse"],
};

/**
 * Where the SDK's types are looser than LINE's OpenAPI files, LINE's constraint is put back here:
 * a TypeScript `number` is no integer (event timestamps, emoji and mention positions, durations,
 * file sizes, `statusCode`, `expires_in`) and a `string` has no pattern or format (the
 * destination `U` + 32 hex, the endpoint's URI). A constraint on a union (Event, Mentionee)
 * applies to each of its members. A name the SDK no longer has fails the checker's creation, so
 * no constraint is dropped in silence.
 *
 * Everything else the console sends is declared alike in both: the required fields (`type`,
 * `mode`, `timestamp`, `webhookEventId`, `deliveryContext`; `replyToken` on follow, join,
 * memberJoined, videoPlayComplete and beacon events, optional on message, postback and
 * accountLink events; `quoteToken` on text, image, video and sticker), `mode`'s two values, the
 * optional `source`, and the sources' optional `userId`.
 */
const LINE_CONSTRAINTS: Record<LineApi, Array<[typeName: string, property: string, constraint: Definition]>> = {
  webhook: [
    ["CallbackRequest", "destination", { pattern: "^U[0-9a-f]{32}$" }],
    ["Event", "timestamp", { type: "integer" }],
    ["Emoji", "index", { type: "integer" }],
    ["Emoji", "length", { type: "integer" }],
    ["Mentionee", "index", { type: "integer" }],
    ["Mentionee", "length", { type: "integer" }],
    ["VideoMessageContent", "duration", { type: "integer" }],
    ["AudioMessageContent", "duration", { type: "integer" }],
    ["FileMessageContent", "fileSize", { type: "integer" }],
  ],
  "messaging-api": [
    ["TestWebhookEndpointResponse", "statusCode", { type: "integer" }],
    ["GetWebhookEndpointResponse", "endpoint", { format: "uri" }],
  ],
  "channel-access-token": [["IssueShortLivedChannelAccessTokenResponse", "expires_in", { type: "integer" }]],
};

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, "../..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "line-schemas");

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
}

/**
 * JSON Schemas of one API's types, generated from the installed SDK's type declarations. The
 * generation takes seconds, so its result is kept under node_modules/.cache, keyed by both
 * packages' versions and this file's text: an upgrade or an edit here makes a new one.
 */
function sdkDefinitions(api: LineApi): Definitions {
  const key = createHash("sha256")
    .update(`${packageVersion("@line/bot-sdk")} ${packageVersion("ts-json-schema-generator")} ${api}\n`)
    .update(readFileSync(import.meta.filename))
    .digest("hex")
    .slice(0, 16);
  const cached = path.join(CACHE_DIR, `${api}-${key}.json`);
  try {
    return JSON.parse(readFileSync(cached, "utf8")) as Definitions;
  } catch {
    // Not generated yet for these versions: generate below.
  }

  // Loaded only here: the generator brings the TypeScript compiler, which a cached run never needs.
  const { createGenerator } = require("ts-json-schema-generator") as typeof import("ts-json-schema-generator");
  const sdk = path.dirname(require.resolve("@line/bot-sdk/package.json"));
  const generator = createGenerator({
    path: path.join(sdk, "dist", api, "model", "models.d.ts"),
    expose: "export",
    topRef: false,
    jsDoc: "none",
    skipTypeCheck: true,
  });
  const definitions: Definitions = {};
  for (const typeName of TYPES[api]) {
    const { definitions: nested = {}, $schema: _draft, ...root } = generator.createSchema(typeName);
    Object.assign(definitions, nested as Definitions, { [typeName]: root });
  }

  mkdirSync(CACHE_DIR, { recursive: true });
  // Schemas of older versions are never read again.
  for (const file of readdirSync(CACHE_DIR)) {
    const isOlder = file.startsWith(`${api}-`) && file.endsWith(".json") && file !== path.basename(cached);
    if (isOlder) rmSync(path.join(CACHE_DIR, file), { force: true });
  }
  // Test files run in parallel workers: each writes its own file and renames it into place.
  const partial = `${cached}.${randomUUID()}`;
  writeFileSync(partial, JSON.stringify(definitions));
  renameSync(partial, cached);
  return definitions;
}

function referenced(definitions: Definitions, branch: Definition | boolean): Definition | undefined {
  if (typeof branch !== "object" || !branch.$ref?.startsWith("#/definitions/")) return undefined;
  return definitions[branch.$ref.slice("#/definitions/".length)];
}

/**
 * The SDK's unions (Event, MessageContent, Source, ...) come out as `anyOf`, so a failing event
 * would be reported against all nineteen event types. LINE's schema picks the member by `type`
 * (an OpenAPI discriminator); the same here, with Ajv's discriminator, so the errors are those
 * of the one schema the event's `type` names. A union whose members are not all tagged stays.
 */
function discriminateUnions(definitions: Definitions): void {
  for (const definition of Object.values(definitions)) {
    const members = definition.anyOf;
    if (!members) continue;
    const tagged = members.every((member) => {
      const target = referenced(definitions, member);
      const tag = target?.properties?.type;
      return typeof tag === "object" && typeof tag.const === "string" && target?.required?.includes("type");
    });
    if (!tagged) continue;
    delete definition.anyOf;
    Object.assign(definition, { type: "object", oneOf: members, discriminator: { propertyName: "type" } });
  }
}

function addLineConstraints(api: LineApi, definitions: Definitions): void {
  for (const [typeName, property, constraint] of LINE_CONSTRAINTS[api]) {
    const definition = definitions[typeName];
    const members = definition?.oneOf ?? definition?.anyOf;
    const targets = members ? members.map((member) => referenced(definitions, member)) : [definition];
    for (const target of targets) {
      const schema = target?.properties?.[property];
      if (typeof schema !== "object") throw new Error(`The SDK's ${typeName} has no ${property}`);
      Object.assign(schema, constraint);
    }
  }
}

/**
 * Which definition each schema object belongs to, so that an error names the type that failed
 * (TextMessageContent, not the Event the message sits in). Ajv reports the schema object itself.
 */
function ownersOf(definitions: Definitions): WeakMap<object, string> {
  const owners = new WeakMap<object, string>();
  const visit = (value: unknown, owner: string) => {
    if (typeof value !== "object" || value === null || owners.has(value)) return;
    owners.set(value, owner);
    for (const child of Object.values(value)) visit(child, owner);
  };
  for (const [name, definition] of Object.entries(definitions)) visit(definition, name);
  return owners;
}

const checks = new Map<LineApi, SchemaCheck>();

/**
 * A checker for one API's types, as `@line/bot-sdk` declares them: LINE generates the SDK from
 * the same OpenAPI files as its reference, so these are LINE's shapes, installed by `npm install`.
 * Stricter than LINE's files in one way: the SDK's objects are closed (`additionalProperties:
 * false`) where LINE's schemas leave them open, so a field the SDK does not know fails here.
 * Looser in the ways LINE_CONSTRAINTS puts right. Errors read `<type> <path in the data>
 * <message>`, the type being the schema that failed.
 */
export function createLineSchemaCheck(api: LineApi): SchemaCheck {
  const known = checks.get(api);
  if (known) return known;
  const definitions = sdkDefinitions(api);
  discriminateUnions(definitions);
  addLineConstraints(api, definitions);

  const ajv = new Ajv({ allErrors: true, discriminator: true, verbose: true });
  addFormats(ajv);
  ajv.addSchema({ definitions }, api);
  const owners = ownersOf(definitions);
  const check: SchemaCheck = (typeName, data) => {
    const validate = ajv.getSchema(`${api}#/definitions/${typeName}`);
    if (!validate) throw new Error(`The SDK's ${api} has no type ${typeName}`);
    if (validate(data)) return [];
    return (validate.errors ?? []).map((error) => {
      const owner = owners.get(error.parentSchema ?? {}) ?? typeName;
      return `${owner} ${error.instancePath || "/"} ${error.message ?? error.keyword}`;
    });
  };
  checks.set(api, check);
  return check;
}
