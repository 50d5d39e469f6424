// The entry of the app's dispatcher thread (DISPATCHER=app): it loads the TypeScript sources
// the same way `npm run worker` does.
import { tsImport } from "tsx/esm/api";

await tsImport("../lib/delivery/thread.ts", import.meta.url);
