// How a worker thread's entry runs TypeScript: its source is bundled into one plain module first
// (packages stay imports from node_modules), so that the thread runs alike under `next start`,
// `node --import tsx` and vitest, and its hot path without a loader in between. The bundle is
// removed once loaded.
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import { build, stop } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

/** Bundles `source` (a path from the repository's root) and runs it in this thread. */
export async function runBundled(source, cacheName) {
  const bundle = path.join(root, "node_modules/.cache", cacheName, `${process.pid}-${threadId}.mjs`);
  await build({
    entryPoints: [path.join(root, source)],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  // esbuild's service is a process of its own, which would otherwise live as long as the thread.
  await stop();
  try {
    await import(pathToFileURL(bundle).href);
  } finally {
    rmSync(bundle, { force: true });
  }
}
