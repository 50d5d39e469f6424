// The benchmark's bot servers, in a process of their own so they do not share the measured
// process's event loop. Prints "ready <okPort> <hangPort>" once listening.
import { createServer } from "node:http";

const ok = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "Content-Type": "text/plain" }).end("OK"));
});
ok.keepAliveTimeout = 60_000;
// Reads the request and never answers.
const hang = createServer((req) => req.resume());
hang.keepAliveTimeout = 60_000;

await Promise.all([ok, hang].map((s) => new Promise((r) => s.listen(0, "127.0.0.1", r))));
console.log(`ready ${ok.address().port} ${hang.address().port}`);
