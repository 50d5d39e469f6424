import "server-only";
import { db } from "./db";
import { startDispatcher, startDispatcherThreads, startEventWriterThread } from "./delivery/runtime";
import { env } from "./env";
import { CHANNEL_ID_PATTERN, CHANNEL_SECRET_PATTERN, newBotUserId, newChannelId, newChannelSecret } from "./ids";
import { recordPeerAddresses } from "./http/peer-address";
import { migrateDatabase } from "./migrate";
import { passwordProblem } from "./auth/password-rules";
import { createUser } from "./auth/users";

export type InitialData = {
  adminEmail: string;
  /** Set only when the password was generated, so it can be printed this once. */
  generatedPassword: string | null;
  demoChannelId: string;
  demoChannelSecret: string;
};

/**
 * Migrates the database and, on the very first start, creates the Admin account, a provider and
 * the "Demo bot" channel. Returns what was created, or null when the database was already set up.
 */
export async function prepareDatabase(): Promise<InitialData | null> {
  const config = env();
  await migrateDatabase();
  if ((await db().user.count()) > 0) return null;

  const demoChannelId = config.demoChannelId ?? newChannelId();
  const demoChannelSecret = config.demoChannelSecret ?? newChannelSecret();
  if (!CHANNEL_ID_PATTERN.test(demoChannelId)) {
    throw new Error(`DEMO_CHANNEL_ID must be 10 digits, not "${demoChannelId}".`);
  }
  if (!CHANNEL_SECRET_PATTERN.test(demoChannelSecret)) {
    throw new Error("DEMO_CHANNEL_SECRET must be 32 lowercase hexadecimal digits.");
  }
  const problem = config.adminPassword ? passwordProblem(config.adminPassword, config.adminEmail) : null;
  if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
  const { user, password } = await createUser(config.adminEmail, config.adminPassword);
  await db().provider.create({
    data: {
      name: "Demo provider",
      createdById: user.id,
      channels: {
        create: {
          id: demoChannelId,
          name: "Demo bot",
          description: "A channel to try the console with.",
          email: config.adminEmail,
          channelSecret: demoChannelSecret,
          botUserId: newBotUserId(),
          members: { create: { userId: user.id, role: "ADMIN" } },
        },
      },
    },
  });
  return {
    adminEmail: user.email,
    generatedPassword: config.adminPassword ? null : password,
    demoChannelId,
    demoChannelSecret,
  };
}

/** Prints what a new user needs to sign in and to point a bot at the demo channel. */
export function describeInitialData(data: InitialData): string {
  const password = data.generatedPassword
    ? `${data.generatedPassword}   (generated; shown only this once)`
    : "the ADMIN_PASSWORD you set";
  return [
    "",
    "  The console's first start created:",
    `    Admin account   ${data.adminEmail}`,
    `    Password        ${password}`,
    `    Demo bot        channel ID ${data.demoChannelId}`,
    `                    channel secret ${data.demoChannelSecret}`,
    "",
  ].join("\n");
}

/** Everything the app process does once when it starts. */
export async function startConsole(): Promise<void> {
  recordPeerAddresses();
  const created = await prepareDatabase();
  if (created) console.log(describeInitialData(created));
  const { dispatcher } = env();
  startEventWriterThread();
  if (dispatcher === "thread") startDispatcherThreads();
  if (dispatcher === "main") startDispatcher();
  if (dispatcher !== "off") {
    (await import("./notify/notifier")).startNotifier();
    (await import("./retention/pruner")).startPruner();
  }
}
