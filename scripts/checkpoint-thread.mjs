// The entry of a SQLite delivery store's checkpoint thread (lib/delivery/checkpoint-thread.ts).
// Like the dispatcher thread's entry, it bundles the TypeScript source into one plain module
// first (packages stay imports from node_modules), so that the thread runs alike under
// `next start`, `node --import tsx` and vitest; the bundle is removed once loaded.
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const bundle = path.join(root, "node_modules/.cache/checkpoint-thread", `${process.pid}-${threadId}.mjs`);
await build({
  entryPoints: [path.join(root, "lib/delivery/checkpoint-thread.ts")],
  outfile: bundle,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "error",
});
try {
  await import(pathToFileURL(bundle).href);
} finally {
  rmSync(bundle, { force: true });
}
