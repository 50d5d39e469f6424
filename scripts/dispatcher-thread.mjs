// The entry of the app's dispatcher thread (DISPATCHER=app), and of the thread that writes its
// outcomes on SQLite (lib/delivery/thread.ts tells them apart by workerData). The TypeScript
// sources are bundled into one plain module first (packages stay imports from node_modules),
// so the hot path runs without a loader in between; the bundle is removed once loaded.
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const bundle = path.join(root, "node_modules/.cache/dispatcher-thread", `${process.pid}-${threadId}.mjs`);
await build({
  entryPoints: [path.join(root, "lib/delivery/thread.ts")],
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
