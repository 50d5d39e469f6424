import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type AnySchemaObject } from "ajv";
import addFormats from "ajv-formats";
import { load } from "js-yaml";

/** Checks data against one of the document's component schemas; returns the errors, if any. */
export type SchemaCheck = (schemaName: string, data: unknown) => string[];

/**
 * LINE's OpenAPI files (webhook.yml, messaging-api.yml, channel-access-token.yml) are kept in the
 * project's shared folder beside the repository, not copied into it. LINE_OPENAPI_DIR points
 * elsewhere when needed. A missing file fails the tests that need it, loudly.
 */
export function openApiFile(name: string): string {
  const root = path.resolve(import.meta.dirname, "../..");
  const candidates = [
    process.env.LINE_OPENAPI_DIR,
    path.resolve(root, "../shared/spec/line-openapi"),
    "/work/shared/spec/line-openapi",
  ].filter((dir): dir is string => Boolean(dir));
  for (const dir of candidates) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`LINE's ${name} was not found in ${candidates.join(", ")}; set LINE_OPENAPI_DIR.`);
}

const ROOT = "line";

type Discriminator = { propertyName: string; mapping?: Record<string, string> };

/**
 * An Ajv for LINE's webhook.yml. The OpenAPI `discriminator` picks the event-specific schema
 * (MessageEvent, TextMessageContent, UserSource, ...) by `type`; Ajv's own discriminator
 * support needs `oneOf`, which this file does not use, so the keyword is implemented here.
 */
export function createOpenApiValidator(file: string): SchemaCheck {
  const document = load(readFileSync(openApiFile(file), "utf8")) as {
    components: { schemas: Record<string, AnySchemaObject> };
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const inProgress = new Map<object, Set<string>>();
  const nestedErrors: string[] = [];

  ajv.addKeyword({
    keyword: "discriminator",
    schemaType: "object",
    validate: (discriminator: Discriminator, data: unknown) => {
      if (typeof data !== "object" || data === null) return true;
      const value = (data as Record<string, unknown>)[discriminator.propertyName];
      const target = typeof value === "string" ? discriminator.mapping?.[value] : undefined;
      if (!target) {
        nestedErrors.push(`no schema for ${discriminator.propertyName}=${String(value)}`);
        return false;
      }
      // MessageEvent is allOf [Event, ...] and Event carries the discriminator: without this
      // guard the two would validate each other forever.
      const seen = inProgress.get(data) ?? new Set<string>();
      if (seen.has(target)) return true;
      seen.add(target);
      inProgress.set(data, seen);
      try {
        const validate = ajv.getSchema(`${ROOT}${target}`);
        if (!validate) throw new Error(`Unknown schema ${target}`);
        const ok = validate(data) as boolean;
        if (!ok) nestedErrors.push(...(validate.errors ?? []).map((e) => `${target}${e.instancePath} ${e.message}`));
        return ok;
      } finally {
        seen.delete(target);
      }
    },
  });
  ajv.addSchema({ components: document.components }, ROOT);

  return (schemaName, data) => {
    nestedErrors.length = 0;
    const validate = ajv.getSchema(`${ROOT}#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`Unknown schema ${schemaName}`);
    if (validate(data)) return [];
    return [...(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`), ...nestedErrors];
  };
}
