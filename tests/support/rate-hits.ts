// Makes requests against one rate-limit key from a process of its own and prints how many were
// let through: `node --import tsx tests/support/rate-hits.ts <key> <count> <at>`.
import { db } from "../../lib/db";
import { hitWindow, RATE_LIMITS } from "../../lib/http/rate-limit";

const [key, count, at] = process.argv.slice(2);
let allowed = 0;
for (let i = 0; i < Number(count); i++) {
  if ((await hitWindow(key!, RATE_LIMITS.webhookTest, Number(at))).allowed) allowed++;
}
await db().$disconnect();
console.log(allowed);
