// The benchmark's bot servers, in a process of their own so they do not share the measured
// process's event loop. Prints "ready <okPort> <hangPort>" once listening.
//
// The healthy bot also counts what it received, so that the bench can tell whether every event
// arrived exactly once: GET /stats answers {received, distinct, duplicates}; GET /stats?reset
// answers them and starts counting afresh.
import { createServer } from "node:http";

const ID_FIELD = '"webhookEventId":"';
let received = 0;
let duplicates = 0;
let seen = new Set();

/** Counts one webhook body by its event's webhookEventId (the bench sends one event a body). */
function count(body) {
  received += 1;
  const at = body.indexOf(ID_FIELD);
  if (at < 0) return;
  const start = at + ID_FIELD.length;
  const id = body.slice(start, body.indexOf('"', start));
  if (seen.has(id)) duplicates += 1;
  else seen.add(id);
}

function answerStats(req, res) {
  const stats = { received, distinct: seen.size, duplicates };
  if (req.url.endsWith("?reset")) {
    received = 0;
    duplicates = 0;
    seen = new Set();
  }
  res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(stats));
}

const ok = createServer((req, res) => {
  if (req.url.startsWith("/stats")) return answerStats(req, res);
  let body = "";
  req.setEncoding("latin1");
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    count(body);
    res.writeHead(200, { "Content-Type": "text/plain" }).end("OK");
  });
});
ok.keepAliveTimeout = 60_000;
// Reads the request and never answers.
const hang = createServer((req) => req.resume());
hang.keepAliveTimeout = 60_000;

await Promise.all([ok, hang].map((s) => new Promise((r) => s.listen(0, "127.0.0.1", r))));
console.log(`ready ${ok.address().port} ${hang.address().port}`);
