import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  constants as http2Constants,
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import { connect as connectTcp, createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { validateSignature } from "@line/bot-sdk";
import type { TestCertificate } from "./certificates";

/**
 * Small misbehaving servers, one per failure in docs/line-behaviour.md#classification. Each listens on its own
 * port; `port: 0` picks a free one. Every server forgets its open connections on close, so a
 * hanging request never keeps the process (or a test run) alive.
 */

export type Listening = { port: number; close(): Promise<void> };

/** What the healthy bot saw of one webhook. */
export type Delivery = {
  behaviour: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  isSignatureValid: boolean;
};

/** Starts listening and remembers every connection, so close() can cut them all. */
async function listen(server: Server, host: string, port: number): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen({ host, port });
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("Server has no TCP address");
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(req: IncomingMessage | Http2ServerRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

type HttpHandler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

/** A bot that checks `x-line-signature` like a real one (with @line/bot-sdk) and answers 200 or 401. */
function healthyHandler(behaviour: string, secret: string, record: (delivery: Delivery) => void): HttpHandler {
  return (req, res) => {
    void readBody(req).then((body) => {
      const signature = req.headers["x-line-signature"];
      const isSignatureValid = typeof signature === "string" && validateSignature(body, secret, signature);
      record({ behaviour, httpVersion: req.httpVersion, headers: { ...req.headers }, body: body.toString("utf8"), isSignatureValid });
      res.writeHead(isSignatureValid ? 200 : 401, { "content-type": "text/plain; charset=utf-8" });
      res.end(isSignatureValid ? "OK" : "Invalid signature");
    });
  };
}

/**
 * A bot that fails the first `failures` sends of each webhook event with 503, then behaves like
 * the healthy bot: what redelivery is for. Events are told apart by their `webhookEventId`.
 */
export function startFlaky(
  host: string,
  port: number,
  failures: number,
  secret: string,
  record: (delivery: Delivery) => void,
): Promise<Listening> {
  const sends = new Map<string, number>();
  const healthy = healthyHandler("flaky", secret, record);
  return startHttp(host, port, (req, res) => {
    void readBody(req).then((body) => {
      const key = firstEventId(body);
      const count = (sends.get(key) ?? 0) + 1;
      sends.set(key, count);
      if (count > failures) {
        // Hand the already-read body to the healthy handler through a replayed request.
        healthy(replay(req, body), res);
        return;
      }
      const signature = req.headers["x-line-signature"];
      const isSignatureValid = typeof signature === "string" && validateSignature(body, secret, signature);
      record({ behaviour: "flaky", httpVersion: req.httpVersion, headers: { ...req.headers }, body: body.toString("utf8"), isSignatureValid });
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end(`Chaos bot is flaky: failure ${count} of ${failures}`);
    });
  });
}

function firstEventId(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { events?: { webhookEventId?: string }[] };
    return parsed.events?.[0]?.webhookEventId ?? "";
  } catch {
    return "";
  }
}

/** A request whose body can be read again: its headers, and the bytes already read. */
function replay(req: IncomingMessage | Http2ServerRequest, body: Buffer): IncomingMessage | Http2ServerRequest {
  return Object.assign(Object.create(req) as typeof req, {
    [Symbol.asyncIterator]: async function* () {
      yield body;
    },
  });
}

/** Plain HTTP/1.1, answered by `handler`. */
export function startHttp(host: string, port: number, handler: HttpHandler): Promise<Listening> {
  const server = createHttpServer((req, res) => handler(req, res));
  return listen(server, host, port);
}

/** The healthy bot over plain HTTP/1.1. */
export function startHealthyHttp(
  host: string,
  port: number,
  secret: string,
  record: (delivery: Delivery) => void,
): Promise<Listening> {
  return startHttp(host, port, healthyHandler("healthy", secret, record));
}

/** The healthy bot over https, speaking HTTP/2 to clients that offer it (ALPN) and HTTP/1.1 otherwise. */
export function startHealthyHttps(
  host: string,
  port: number,
  secret: string,
  record: (delivery: Delivery) => void,
  certificate: TestCertificate,
): Promise<Listening> {
  const server = createSecureServer({ ...certificate, allowHTTP1: true }, healthyHandler("healthy-https", secret, record));
  return listenH2(server, host, port);
}

/** Answers every webhook with `status`, after reading it. */
export function startStatus(host: string, port: number, status: number, headers: Record<string, string> = {}): Promise<Listening> {
  return startHttp(host, port, (req, res) => {
    void readBody(req).then(() => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(`Chaos bot says ${status}`);
    });
  });
}

/** Reads the webhook and never answers. */
export function startHang(host: string, port: number): Promise<Listening> {
  return startHttp(host, port, (req) => {
    req.resume();
  });
}

/** Answers 200, but only after `delayMs`: too late for LINE's 2 seconds. */
export function startSlow(host: string, port: number, delayMs: number): Promise<Listening> {
  return startHttp(host, port, (req, res) => {
    void readBody(req).then(() => {
      const timer = setTimeout(() => res.end("OK, but late"), delayMs);
      res.on("close", () => clearTimeout(timer));
    });
  });
}

/** Reads the whole HTTP/1 request, then drops the connection without a word. */
export function startCloseMidRequest(host: string, port: number): Promise<Listening> {
  return startHttp(host, port, (req) => {
    void readBody(req).then(() => req.socket.destroy());
  });
}

/**
 * A raw TCP server that waits for the request's end (the blank line and the body's
 * Content-Length bytes) and then writes `answer` and closes.
 */
export function startRawAnswer(host: string, port: number, answer: string | Buffer): Promise<Listening> {
  const server = createTcpServer((socket) => {
    socket.on("error", () => {});
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!isWholeRequest(received)) return;
      socket.off("data", onData);
      socket.end(answer);
    };
    socket.on("data", onData);
  });
  return listen(server, host, port);
}

function isWholeRequest(data: Buffer): boolean {
  const end = data.indexOf("\r\n\r\n");
  if (end === -1) return false;
  const match = /^content-length:\s*(\d+)/im.exec(data.subarray(0, end).toString("latin1"));
  return data.length - (end + 4) >= (match ? Number(match[1]) : 0);
}

/** Answers whatever arrives first (a TLS ClientHello, for an https URL) in plain-text HTTP. */
export function startPlainTextAnswer(host: string, port: number): Promise<Listening> {
  const server = createTcpServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => {
      socket.end("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 40\r\nConnection: close\r\n\r\nThis port speaks plain HTTP, not HTTPS.\n");
    });
  });
  return listen(server, host, port);
}

/** Reads the TLS ClientHello and closes the connection before answering it. */
export function startCloseAfterClientHello(host: string, port: number): Promise<Listening> {
  const server = createTcpServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.destroy());
  });
  return listen(server, host, port);
}

/** A TLS server whose certificate no client trusts. */
export function startUntrustedTls(host: string, port: number, certificate: TestCertificate): Promise<Listening> {
  const server = createTlsServer({ ...certificate }, (socket) => socket.end());
  server.on("tlsClientError", () => {});
  return listen(server, host, port);
}

/**
 * A TLS server that only speaks a protocol no webhook client offers, and says so with the
 * `no_application_protocol` alert instead of carrying on without ALPN.
 */
export function startAlpnRefusal(host: string, port: number, certificate: TestCertificate): Promise<Listening> {
  const server = createTlsServer(
    { ...certificate, ALPNCallback: ({ protocols }) => (protocols.includes("chaos/1") ? "chaos/1" : undefined) },
    (socket) => socket.end(),
  );
  server.on("tlsClientError", () => {});
  return listen(server, host, port);
}

/**
 * Completes the TLS handshake agreeing on HTTP/2, then closes the connection before sending its
 * SETTINGS frame: the HTTP/2 session never starts.
 */
export function startH2CloseBeforeSettings(host: string, port: number, certificate: TestCertificate): Promise<Listening> {
  const server = createTlsServer({ ...certificate, ALPNProtocols: ["h2"] }, (socket) => socket.destroy());
  server.on("tlsClientError", () => {});
  return listen(server, host, port);
}

/** An HTTP/2 server that says GOAWAY as soon as a session starts, before serving any stream. */
export function startH2Goaway(host: string, port: number, certificate: TestCertificate): Promise<Listening> {
  const server = createSecureServer({ ...certificate });
  server.on("session", (session: Http2Session) => {
    session.on("error", () => {});
    session.goaway(http2Constants.NGHTTP2_NO_ERROR, 0);
  });
  // A stream the client opened before it read the GOAWAY is refused, never served.
  server.on("stream", (stream) => {
    stream.on("error", () => {});
    stream.close(http2Constants.NGHTTP2_REFUSED_STREAM);
  });
  return listenH2(server, host, port);
}

/** An HTTP/2 server that reads the webhook and then resets its stream (RST_STREAM). */
export function startH2StreamReset(host: string, port: number, certificate: TestCertificate): Promise<Listening> {
  const server = createSecureServer({ ...certificate });
  server.on("session", (session: Http2Session) => session.on("error", () => {}));
  server.on("stream", (stream) => {
    stream.on("error", () => {});
    stream.resume();
    stream.on("end", () => stream.close(http2Constants.NGHTTP2_INTERNAL_ERROR));
  });
  return listenH2(server, host, port);
}

type SecureH2Server = ReturnType<typeof createSecureServer>;

/** HTTP/2 sessions outlive their sockets' close() unless destroyed too. */
async function listenH2(server: SecureH2Server, host: string, port: number): Promise<Listening> {
  const sessions = new Set<Http2Session>();
  server.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("tlsClientError", () => {});
  const listening = await listen(server, host, port);
  return {
    port: listening.port,
    close: async () => {
      for (const session of sessions) session.destroy();
      await listening.close();
    },
  };
}

/**
 * A listener whose accept queue is full, so new connections never complete: the TCP SYN goes
 * unanswered. Node accepts connections on its own, so the listener lives in a child process
 * whose event loop is blocked; a few connections from here fill its backlog of 1.
 */
export async function startFullBacklog(host: string, port: number): Promise<Listening> {
  const script = `
    const net = require("node:net");
    const fs = require("node:fs");
    const server = net.createServer();
    const parent = process.ppid;
    server.listen({ host: ${JSON.stringify(host)}, port: ${port}, backlog: 1 }, () => {
      fs.writeSync(1, server.address().port + "\\n");
      // Never return to the event loop, so nothing is ever accepted; wake up once a second
      // only to leave if the parent died without killing us.
      const cell = new Int32Array(new SharedArrayBuffer(4));
      while (process.ppid === parent) Atomics.wait(cell, 0, 0, 1000);
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  const exited = once(child, "exit");
  const killChild = () => child.kill("SIGKILL");
  process.once("exit", killChild);
  const firstLine = await Promise.race([
    once(child.stdout, "data").then(([chunk]: unknown[]) => String(chunk)),
    exited.then(() => ""),
  ]);
  const listenedPort = Number(firstLine.trim());
  if (!listenedPort) {
    process.off("exit", killChild);
    throw new Error("The full-backlog listener did not start");
  }

  const fillers: Socket[] = [];
  let isFull = false;
  for (let i = 0; i < 16 && !isFull; i++) {
    const socket = connectTcp({ host, port: listenedPort });
    socket.on("error", () => {});
    fillers.push(socket);
    const connected = await Promise.race([
      once(socket, "connect").then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200)),
    ]);
    // The queue is full: this SYN, and every later one, goes unanswered.
    isFull = !connected;
  }
  if (!isFull) {
    for (const socket of fillers) socket.destroy();
    killChild();
    process.off("exit", killChild);
    throw new Error("Could not fill a listen backlog on this machine: the connect-timeout behaviour is unavailable");
  }
  return {
    port: listenedPort,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      process.off("exit", killChild);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** A DNS server that receives queries and never answers any. */
export async function startSilentDns(host: string, port: number): Promise<Listening> {
  const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
  socket.on("message", () => {});
  socket.bind(port, host);
  await once(socket, "listening");
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A port on which nothing listens: bound for a moment to be sure it is free, then released. */
export async function findClosedPort(host: string, port: number): Promise<number> {
  const server = createTcpServer();
  const listening = await listen(server, host, port);
  await listening.close();
  return listening.port;
}
