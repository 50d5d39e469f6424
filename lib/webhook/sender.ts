import { createHash } from "node:crypto";
import { lookup, Resolver } from "node:dns";
import { subscribe } from "node:diagnostics_channel";
import { connect as connectTcp, isIP, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { connect as connectTls, createSecureContext, rootCertificates, type SecureContext, TLSSocket } from "node:tls";
import { Agent, type buildConnector, type Dispatcher } from "undici";
import { classifyFailure, errorMessage, SEND_ERROR_CODES, SendStageError, type SendStage } from "./classify";
import { statusCodeFailure, type Reason } from "./reasons";
import { signBody } from "./signature";

/** LINE's response deadline: a 2xx must be complete within 2 seconds of the send starting. */
export const RESPONSE_TIMEOUT_MS = 2000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
export const DEFAULT_DNS_TIMEOUT_MS = 3000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** The headers LINE sends (docs/line-behaviour.md#webhook-request), besides `x-line-signature`. */
export const WEBHOOK_CONTENT_TYPE = "application/json; charset=utf-8";
export const WEBHOOK_USER_AGENT = "LineBotWebhook/2.0";

export type SendWebhookOptions = {
  url: string;
  /** The exact bytes to send; the signature is computed over them. */
  body: string | Buffer;
  /** The channel secret that signs the body. */
  secret: string;
  /** Defaults to LINE's 2 s. It bounds the whole send, connecting included. */
  responseTimeoutMs?: number;
  /**
   * TCP connect plus TLS handshake. The response deadline still bounds it: a connection still
   * being made when the deadline passes is reported as `Connection timeout`.
   */
  connectTimeoutMs?: number;
  /** Name resolution; bounded by the response deadline the same way. */
  dnsTimeoutMs?: number;
  /** DNS servers to ask (`"1.1.1.1"`, `"127.0.0.1:5353"`); the system resolver when omitted. */
  dnsServers?: readonly string[];
  /**
   * Extra CA certificates to trust, on top of Node's bundled ones (tests use it for a test CA).
   * Deployments use NODE_EXTRA_CA_CERTS instead, which Node applies on its own to every send
   * without `ca`; a send with `ca` trusts the bundled CAs and these, not that file.
   */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** How much of the response body to keep; the rest is read and discarded. */
  maxResponseBytes?: number;
};

/** Milliseconds per phase; a phase that did not happen (a reused connection, no TLS) is undefined. */
export type SendTimings = {
  dns?: number;
  connect?: number;
  tls?: number;
  /** From the start of the send to the response's status line and headers. */
  firstByte?: number;
  total: number;
};

export type HttpVersion = "1.1" | "2";

export type SendResult =
  | {
      ok: true;
      statusCode: number;
      timings: SendTimings;
      responseExcerpt: string;
      httpVersion?: HttpVersion;
    }
  | {
      ok: false;
      reason: Reason;
      detail: string;
      statusCode?: number;
      timings: SendTimings;
      responseExcerpt?: string;
      httpVersion?: HttpVersion;
      /** What actually went wrong, for logs; never shown as the reason. */
      cause?: string;
    };

/** One connection being made, with what it has measured so far. */
type ConnectionAttempt = {
  stage: Exclude<SendStage, "url" | "http"> | "connected";
  dns?: number;
  connect?: number;
  tls?: number;
  socket?: Socket;
};

/** State shared by a send and the connection its dispatch opened, if it opened one. */
type SendContext = {
  attempt?: ConnectionAttempt;
  /** The socket the request was written to, new or reused. */
  socket?: Socket;
};

/**
 * The send whose dispatch is running right now. undici calls the connector synchronously from
 * `dispatch()` when a request needs a new connection, so the connector can tell which send it
 * connects for and report that connection's phases to it alone.
 */
let dispatchingSend: SendContext | undefined;

/**
 * The send whose request undici is writing right now. undici calls the handler's
 * onRequestStart and then, in the same synchronous step, publishes `undici:client:sendHeaders`
 * with the socket; that is the only place a reused connection's socket (and so its HTTP
 * version) can be seen.
 */
let writingSend: SendContext | undefined;

subscribe("undici:client:sendHeaders", (message) => {
  if (!writingSend) return;
  const socket = typeof message === "object" && message !== null && "socket" in message ? message.socket : undefined;
  if (socket instanceof Socket) writingSend.socket = socket;
  writingSend = undefined;
});

type ConnectorSettings = {
  connectTimeoutMs: number;
  dnsTimeoutMs: number;
  dnsServers: readonly string[] | undefined;
  secureContext: SecureContext | undefined;
};

const agents = new Map<string, Agent>();

/**
 * Sends one signed webhook and says how it went, in LINE's words. It never throws for anything
 * the bot server, the Webhook URL or the network does: every such failure comes back as
 * `{ok: false, reason, detail}`, and a malformed URL fails without any network activity. It
 * throws only for our own mistakes, such as a malformed `dnsServers`.
 */
export async function sendWebhook(options: SendWebhookOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  const url = parseWebhookUrl(options.url);
  if (!url) {
    const error = new SendStageError("url", SEND_ERROR_CODES.invalidUrl, `Invalid Webhook URL: ${options.url}`);
    return { ok: false, ...classifyFailure(error), timings: { total: elapsed() }, cause: error.message };
  }

  const body = typeof options.body === "string" ? Buffer.from(options.body, "utf8") : options.body;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const agent = agentFor(options);
  const responseTimeoutMs = options.responseTimeoutMs ?? RESPONSE_TIMEOUT_MS;
  const context: SendContext = {};

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let requestStarted = false;
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode: number | undefined;
    let firstByte: number | undefined;
    const httpVersion = () => versionOf(context.socket ?? context.attempt?.socket);
    const kept: Buffer[] = [];
    let keptBytes = 0;

    const timings = (): SendTimings => ({
      dns: context.attempt?.dns,
      connect: context.attempt?.connect,
      tls: context.attempt?.tls,
      firstByte,
      total: elapsed(),
    });
    const excerpt = () => Buffer.concat(kept, keptBytes).toString("utf8");

    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };

    const fail = (error: unknown) => {
      const failure = classifyFailure(explainHttpError(error, context));
      settle({
        ok: false,
        ...failure,
        ...(statusCode !== undefined ? { statusCode } : {}),
        timings: timings(),
        ...(keptBytes > 0 ? { responseExcerpt: excerpt() } : {}),
        httpVersion: httpVersion(),
        cause: errorMessage(error),
      });
    };

    const finishWithStatus = () => {
      if (statusCode === undefined) return;
      if (statusCode >= 200 && statusCode < 300) {
        settle({ ok: true, statusCode, timings: timings(), responseExcerpt: excerpt(), httpVersion: httpVersion() });
      } else {
        const failure = statusCodeFailure(statusCode);
        settle({ ok: false, ...failure, statusCode, timings: timings(), responseExcerpt: excerpt(), httpVersion: httpVersion() });
      }
    };

    // Our own timer, not undici's headersTimeout/bodyTimeout: those are checked on a coarse
    // clock and fire about half a second late, and they would not cover connecting.
    // A timer's start is the event loop's cached clock, which may be a little behind `started`:
    // one that fires early waits out the rest, so no response is refused before the deadline.
    const onDeadline = () => {
      const left = responseTimeoutMs - (performance.now() - started);
      if (left > 0) {
        deadline = setTimeout(onDeadline, Math.ceil(left));
        return;
      }
      if (statusCode !== undefined && (statusCode < 200 || statusCode >= 300)) {
        // The verdict is already known; only the rest of an error page is missing.
        finishWithStatus();
      } else {
        const stage: SendStage = requestStarted ? "http" : (stageOf(context.attempt) ?? "tcp");
        const message = `No complete response within ${responseTimeoutMs} ms (stage: ${stage})`;
        fail(new SendStageError(stage, SEND_ERROR_CODES.timeout, message));
      }
      controller?.abort(new Error("Webhook response deadline passed"));
    };
    let deadline = setTimeout(onDeadline, responseTimeoutMs);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl;
        // A connection that only finished after the deadline must not deliver a webhook we
        // already reported as failed.
        if (settled) {
          ctrl.abort(new Error("Webhook send already settled"));
          return;
        }
        requestStarted = true;
        writingSend = context;
        // Never let a message meant for this send be taken by a later one.
        queueMicrotask(() => {
          if (writingSend === context) writingSend = undefined;
        });
      },
      onResponseStart(_ctrl, code) {
        if (code < 200) return; // 1xx interim responses come before the real one
        statusCode = code;
        firstByte = elapsed();
      },
      onResponseData(_ctrl, chunk) {
        // Keep the head of the body; the rest is read off the wire and dropped.
        if (keptBytes >= maxResponseBytes) return;
        const piece = chunk.subarray(0, maxResponseBytes - keptBytes);
        kept.push(Buffer.from(piece));
        keptBytes += piece.length;
      },
      onResponseEnd() {
        finishWithStatus();
      },
      onResponseError(_ctrl, error) {
        fail(error);
      },
    };

    dispatchingSend = context;
    try {
      agent.dispatch(
        {
          origin: url.origin,
          path: url.path,
          method: "POST",
          headers: {
            "Content-Type": WEBHOOK_CONTENT_TYPE,
            "User-Agent": WEBHOOK_USER_AGENT,
            "x-line-signature": signBody(options.secret, body),
          },
          body,
        },
        handler,
      );
    } catch (error) {
      // undici validates synchronously (e.g. a host it cannot put in a request line).
      fail(new SendStageError("url", SEND_ERROR_CODES.invalidUrl, errorMessage(error), { cause: error }));
    } finally {
      dispatchingSend = undefined;
    }
  });
}

/**
 * Closes every pooled connection. Sends after this open new ones; call it when shutting down
 * and at the end of tests.
 */
export async function closeWebhookConnections(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.destroy()));
}

/** Where a request goes, as undici takes it. */
type WebhookTarget = { origin: string; path: string };

/** The URL parsed last: a dispatcher sends one channel's events to the same URL again and again. */
let lastParsed: { raw: string; target: WebhookTarget } | undefined;

/** Where to send, if the URL is one a webhook can be sent to: http or https, with a host. */
function parseWebhookUrl(raw: string): WebhookTarget | null {
  if (lastParsed?.raw === raw) return lastParsed.target;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.hostname === "") return null;
  const target = { origin: url.origin, path: `${url.pathname}${url.search}` };
  lastParsed = { raw, target };
  return target;
}

/**
 * An HTTP/2 connection that fails before the server sent a single byte of HTTP/2 (not even its
 * SETTINGS) never became a session: that is LINE's "session closed", not a reset stream.
 */
function explainHttpError(error: unknown, context: SendContext): unknown {
  if (error instanceof SendStageError) return error;
  const socket = context.socket ?? context.attempt?.socket;
  if (socket instanceof TLSSocket && socket.alpnProtocol === "h2" && socket.bytesRead === 0) {
    return new SendStageError("http", SEND_ERROR_CODES.h2SessionNotEstablished, errorMessage(error), { cause: error });
  }
  return error;
}

function stageOf(attempt: ConnectionAttempt | undefined): SendStage | undefined {
  if (!attempt) return undefined;
  return attempt.stage === "connected" ? "http" : attempt.stage;
}

function versionOf(socket: Socket | undefined): HttpVersion | undefined {
  if (!socket) return undefined;
  return socket instanceof TLSSocket && socket.alpnProtocol === "h2" ? "2" : "1.1";
}

/** One pool per distinct connection setting; each pools its connections per origin. */
function agentFor(options: SendWebhookOptions): Agent {
  // A dispatcher passes the same settings to every send: the last pool found is checked first.
  const last = lastAgent;
  if (
    last &&
    agents.get(last.key) === last.agent &&
    last.connectTimeoutMs === options.connectTimeoutMs &&
    last.dnsTimeoutMs === options.dnsTimeoutMs &&
    last.dnsServers === options.dnsServers &&
    last.ca === options.ca
  ) {
    return last.agent;
  }
  const settings = {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    dnsTimeoutMs: options.dnsTimeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
    dnsServers: options.dnsServers ? [...options.dnsServers] : undefined,
  };
  // A malformed server list is our configuration's fault, not the bot's: say so now, by
  // throwing, rather than later as a failed send counted against the channel.
  if (settings.dnsServers) new Resolver().setServers(settings.dnsServers);
  const caList = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  const caDigest = caList.map((c) => createHash("sha256").update(c).digest("hex"));
  const key = JSON.stringify({ ...settings, ca: caDigest });
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      connect: createConnector({
        ...settings,
        secureContext: caList.length > 0 ? createSecureContext({ ca: [...rootCertificates, ...caList] }) : undefined,
      }),
      allowH2: true,
      // Safety nets only: our own deadline always fires first.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    agents.set(key, agent);
  }
  lastAgent = {
    key,
    agent,
    connectTimeoutMs: options.connectTimeoutMs,
    dnsTimeoutMs: options.dnsTimeoutMs,
    dnsServers: options.dnsServers,
    ca: options.ca,
  };
  return agent;
}

/** The pool `agentFor` found last, and the settings (as passed, by identity) it was found for. */
let lastAgent:
  | ({ key: string; agent: Agent } & Pick<SendWebhookOptions, "connectTimeoutMs" | "dnsTimeoutMs" | "dnsServers" | "ca">)
  | undefined;

/**
 * Connects the way undici's own connector does, but in visible phases (DNS, TCP, TLS), each timed
 * and each with its own timeout, so a failure says where it happened.
 */
function createConnector(settings: ConnectorSettings): buildConnector.connector {
  return (options, callback) => {
    const attempt: ConnectionAttempt = { stage: "dns" };
    if (dispatchingSend) dispatchingSend.attempt = attempt;

    const isHttps = options.protocol === "https:";
    const hostname = options.hostname;
    const port = Number(options.port) || (isHttps ? 443 : 80);
    let done = false;
    let socket: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;

    const finish = (error: SendStageError | null, connected?: Socket) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        socket?.destroy();
        callback(error, null);
      } else if (connected) {
        attempt.stage = "connected";
        callback(null, connected);
      }
    };

    const startTcp = (address: string) => {
      attempt.stage = "tcp";
      const tcpStarted = performance.now();
      timer = setTimeout(() => {
        finish(new SendStageError(attempt.stage === "tls" ? "tls" : "tcp", SEND_ERROR_CODES.timeout, "Connect timeout"));
      }, settings.connectTimeoutMs);
      const raw = connectTcp({ host: address, port, localAddress: options.localAddress ?? undefined });
      socket = raw;
      raw.setNoDelay(true);
      raw.setKeepAlive(true, 60_000);
      // `on`, not `once`: a second error must not go unhandled; finish() ignores all but the first.
      raw.on("error", (error) => finish(SendStageError.wrap(attempt.stage === "tls" ? "tls" : "tcp", error)));
      raw.once("connect", () => {
        attempt.connect = Math.round(performance.now() - tcpStarted);
        if (!isHttps) {
          attempt.socket = raw;
          finish(null, raw);
          return;
        }
        attempt.stage = "tls";
        const tlsStarted = performance.now();
        const secure = connectTls({
          socket: raw,
          host: hostname,
          // SNI carries names only; an IP literal is checked against the certificate's IP SANs.
          servername: isIP(hostname) ? undefined : hostname,
          ALPNProtocols: ["h2", "http/1.1"],
          secureContext: settings.secureContext,
        });
        socket = secure;
        const onClose = () =>
          finish(new SendStageError("tls", SEND_ERROR_CODES.closedDuringHandshake, "Socket closed during the TLS handshake"));
        secure.on("error", (error) => finish(SendStageError.wrap("tls", error)));
        secure.once("close", onClose);
        secure.once("secureConnect", () => {
          attempt.tls = Math.round(performance.now() - tlsStarted);
          attempt.socket = secure;
          secure.off("close", onClose);
          finish(null, secure);
        });
      });
    };

    // IP literals and localhost need no DNS; net.connect reads localhost from /etc/hosts itself.
    if (isIP(hostname) || hostname === "localhost") {
      startTcp(hostname);
      return;
    }
    const dnsStarted = performance.now();
    timer = setTimeout(() => {
      finish(new SendStageError("dns", SEND_ERROR_CODES.timeout, `DNS query for ${hostname} timed out`));
    }, settings.dnsTimeoutMs);
    resolveHost(hostname, settings).then(
      (address) => {
        if (done) return;
        clearTimeout(timer);
        attempt.dns = Math.round(performance.now() - dnsStarted);
        startTcp(address);
      },
      (error: unknown) => finish(SendStageError.wrap("dns", error)),
    );
  };
}

/** One address for a host: through the given DNS servers, or the system resolver (getaddrinfo). */
async function resolveHost(hostname: string, settings: ConnectorSettings): Promise<string> {
  if (!settings.dnsServers) {
    return new Promise((resolve, reject) => {
      lookup(hostname, (error, address) => (error ? reject(error) : resolve(address)));
    });
  }
  const resolver = new Resolver({ timeout: settings.dnsTimeoutMs, tries: 1 });
  resolver.setServers([...settings.dnsServers]);
  const cancel = setTimeout(() => resolver.cancel(), settings.dnsTimeoutMs + 50);
  try {
    const v4 = await resolveWith(resolver, "resolve4", hostname);
    if (v4) return v4;
    const v6 = await resolveWith(resolver, "resolve6", hostname);
    if (v6) return v6;
    throw Object.assign(new Error(`queryA ENODATA ${hostname}`), { code: "ENODATA" });
  } finally {
    clearTimeout(cancel);
  }
}

/** The first address of one record type, or null when the name exists but has none of that type. */
function resolveWith(resolver: Resolver, method: "resolve4" | "resolve6", hostname: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    resolver[method](hostname, (error, addresses) => {
      if (error?.code === "ENODATA") resolve(null);
      else if (error) reject(error);
      else resolve(addresses[0] ?? null);
    });
  });
}
