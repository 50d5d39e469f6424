import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedRequest = { headers: IncomingMessage["headers"]; body: string; at: number };

export type TestBot = {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
};

/**
 * A real HTTP bot server on loopback. `answer` decides each response; it may also never answer
 * (a hanging bot) by returning "hang".
 */
export async function startBot(
  answer: (req: ReceivedRequest, res: ServerResponse) => "hang" | void = (_req, res) => {
    res.writeHead(200).end("OK");
  },
): Promise<TestBot> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      received.push(request);
      answer(request, res);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
