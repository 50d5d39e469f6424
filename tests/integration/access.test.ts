import { beforeAll, describe, expect, test } from "vitest";
import { createUser } from "@/lib/auth/users";
import type { ChannelAccess } from "@/lib/console/access";
import { listAttempts, listDeliveryLog } from "@/lib/console/attempts";
import { NO_FILTER } from "@/lib/console/delivery-log-search";
import { getEndpointHealth } from "@/lib/console/endpoint-health";
import { bulkRedeliveryProgress, previewBulkRedelivery, sendEditedEvent, startBulkRedelivery } from "@/lib/console/replay";
import { createChannel, listAggregationPeriods, setWebhookSetting, updateWebhookUrl, verifyWebhook } from "@/lib/console/channels";
import { redeliverEvent } from "@/lib/console/events";
import { listMembers } from "@/lib/console/members";
import { createProvider } from "@/lib/console/providers";
import { listRecentSimulatorEvents, listSimulatedUsers } from "@/lib/console/simulator";
import { issueAccessToken, listAccessTokens } from "@/lib/console/tokens";
import { db } from "@/lib/db";
import { InputError, NotFoundError } from "@/lib/errors";
import { listOutbox } from "@/lib/notify/outbox";
import { setErrorNotification } from "@/lib/notify/settings";
import { getErrorChart } from "@/lib/statistics/queries";
import { parseWebhookErrorsSearch } from "@/lib/statistics/search-params";
import { accessOf, joinChannel } from "../support/access";

type Who = "admin" | "member" | "tester" | "outsider";
const users = {} as Record<Who, string>;
let channelId: string;

beforeAll(async () => {
  users.admin = (await createUser("rule-admin@example.com", "pw")).user.id;
  users.outsider = (await createUser("rule-outsider@example.com", "pw")).user.id;
  const provider = await createProvider(users.admin, "Rule");
  channelId = (await createChannel(users.admin, provider.id, { name: "Rule bot", description: "", email: "" })).id;
  const admin = await accessOf(users.admin, channelId);
  // A URL nothing listens on: Verify's outcome does not matter here, only who may send it.
  await updateWebhookUrl(admin, "http://127.0.0.1:9/callback");
  await setWebhookSetting(admin, "useWebhook", true);
  await setWebhookSetting(admin, "errorStatisticsAggregation", true);
  await joinChannel(admin, "rule-member@example.com", "MEMBER");
  await joinChannel(admin, "rule-tester@example.com", "TESTER");
  const id = (email: string) => db().user.findUniqueOrThrow({ where: { email } }).then((u) => u.id);
  users.member = await id("rule-member@example.com");
  users.tester = await id("rule-tester@example.com");
});

const query = () => {
  const parsed = parseWebhookErrorsSearch({ range: "24h" });
  if (!parsed.ok) throw new Error(parsed.problems.join(" "));
  return parsed.query;
};

// Each resource, what it needs, and a call that reads or changes nothing else of consequence.
const RESOURCES: [string, "member" | "read" | "seeErrors" | "seeOutbox" | "manage", (a: ChannelAccess) => Promise<unknown>][] = [
  ["the members list", "member", (a) => listMembers(a)],
  ["the simulated users", "member", (a) => listSimulatedUsers(a)],
  ["the Simulator's recent webhooks", "member", (a) => listRecentSimulatorEvents(a)],
  ["the aggregation periods", "member", (a) => listAggregationPeriods(a)],
  ["the delivery log", "read", (a) => listAttempts(a)],
  ["the filtered delivery log", "read", (a) => listDeliveryLog(a, { filter: NO_FILTER, page: null })],
  ["the endpoint health", "read", (a) => getEndpointHealth(a, 0, Date.now())],
  ["the channel access tokens", "read", (a) => listAccessTokens(a)],
  ["Verify", "read", (a) => verifyWebhook(a)],
  ["the Webhook errors chart", "seeErrors", (a) => getErrorChart(a, query())],
  ["the Outbox", "seeOutbox", (a) => listOutbox(a)],
  ["Error notification", "manage", (a) => setErrorNotification(a, false)],
  ["issuing a token", "manage", (a) => issueAccessToken(a, "rule")],
  // An event that does not exist: an Admin is told that, anyone else gets the rule's 404.
  ["redelivering an event", "manage", (a) => redeliverEvent(a, "01UNKNOWNEVENT")],
  // Not JSON: an Admin is told so, anyone else gets the rule's 404.
  ["editing and sending an event", "manage", (a) => sendEditedEvent(a, "{not json")],
  ["a bulk redelivery's preview", "manage", (a) => previewBulkRedelivery(a, NO_FILTER)],
  ["a bulk redelivery", "manage", (a) => startBulkRedelivery(a, [])],
  ["a bulk redelivery's progress", "manage", (a) => bulkRedeliveryProgress(a, [])],
];

const ALLOWED: Record<(typeof RESOURCES)[number][1], Who[]> = {
  member: ["admin", "member", "tester"],
  read: ["admin", "member"],
  seeErrors: ["admin", "member"],
  seeOutbox: ["admin"],
  manage: ["admin"],
};

const rows = RESOURCES.flatMap(([resource, needs, call]) =>
  (["admin", "member", "tester", "outsider"] as const).map((who) => ({ resource, who, call, allowed: ALLOWED[needs].includes(who) })),
);

describe("one access rule for every resource", () => {
  test.each(rows)("$resource, $who: allowed $allowed", async ({ who, call, allowed }) => {
    const outcome = accessOf(users[who], channelId).then(call);
    if (allowed) {
      // Redelivering an unknown event, or sending one that is not JSON, is refused for what it is, not for who asks.
      await outcome.catch((error: unknown) => expect(error).toBeInstanceOf(InputError));
    } else {
      // Too low a role answers as a non-member does: 404, never 403.
      await expect(outcome).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});
