/**
 * A bot server that fails in every way LINE classifies, one port per failure, so the console
 * can be pointed at each and show how LINE would report it.
 *
 *   npx tsx scripts/chaos-bot.ts --secret <channel secret> [--host 127.0.0.1] [--base-port 7700]
 *                                [--cert-dir data/chaos-bot]
 *
 * The secret can also come from CHAOS_BOT_SECRET. The test CA is kept in --cert-dir (ca.pem), so
 * NODE_EXTRA_CA_CERTS can point at it once. Stop with Ctrl-C.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { startChaosBot } from "../lib/chaos/chaos-bot";

const USAGE =
  "Usage: npx tsx scripts/chaos-bot.ts --secret <channel secret> [--host 127.0.0.1] [--base-port 7700] [--cert-dir data/chaos-bot]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      secret: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "base-port": { type: "string", default: "7700" },
      "cert-dir": { type: "string", default: path.join("data", "chaos-bot") },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // A standalone tool, not the app: it reads its one setting itself rather than via lib/env.
  const secret = values.secret ?? process.env.CHAOS_BOT_SECRET;
  if (!secret) {
    console.error(`The healthy bot needs the channel secret to check signatures.\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const basePort = Number(values["base-port"]);
  if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65_000) {
    console.error(`--base-port must be a port number (0 picks free ports).\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const bot = await startChaosBot({
    secret,
    host: values.host,
    basePort,
    certificateDir: path.resolve(values["cert-dir"]),
    onDelivery: (d) => {
      const verdict = d.isSignatureValid ? "valid signature, answered 200" : "INVALID signature, answered 401";
      console.log(`[${new Date().toISOString()}] ${d.behaviour} got a webhook over HTTP/${d.httpVersion} (${d.body.length} bytes): ${verdict}`);
    },
  });

  const nameWidth = Math.max(...bot.behaviours.map((b) => b.name.length));
  const urlWidth = Math.max(...bot.behaviours.map((b) => b.url.length));
  console.log(`Chaos bot up. Each URL and what a webhook sent to it should produce:\n`);
  for (const b of bot.behaviours) {
    const expected = b.expected === "success" ? "success (200)" : `${b.expected.reason} / ${b.expected.detail}`;
    console.log(`  ${b.name.padEnd(nameWidth)}  ${b.url.padEnd(urlWidth)}  ${expected}`);
    const notes = [
      b.description,
      b.dnsServers ? `send with dnsServers ${JSON.stringify(b.dnsServers)}` : "",
      b.ca ? "as seen by a sender that trusts the chaos CA below" : "",
    ].filter(Boolean);
    console.log(`  ${"".padEnd(nameWidth)}  ${notes.join("; ")}`);
  }
  const caFile = path.join(path.resolve(values["cert-dir"]), "ca.pem");
  console.log(`\nThe https behaviours' CA is ${caFile}: start the app with NODE_EXTRA_CA_CERTS=${caFile} to trust it.`);
  console.log("Ctrl-C to stop.");

  const stop = () => {
    void bot.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
