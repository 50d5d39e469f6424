import { createHash } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { Resolver } from "node:dns";
import { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { createSecureContext, rootCertificates, TLSSocket } from "node:tls";
import { Agent, type Dispatcher } from "undici";
import { classifyFailure, errorMessage, SEND_ERROR_CODES, SendStageError, type SendStage } from "./classify";
import { createPhasedConnector, type ConnectionAttempt, type ConnectorSettings } from "./connector";
import { failureOf, statusCodeFailure, type Reason } from "./reasons";
import { signBody } from "./signature";
import {
  targetRefusal,
  UrlPolicyRefusal,
  webhookTargetOf,
  type UrlPolicy,
  type WebhookTarget,
  type WebhookTargetCheck,
} from "./url";

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
  /**
   * WEBHOOK_URL_POLICY; "local" when omitted. Under "line" a URL or an address the policy
   * refuses is never connected to, and the send comes back with `refusal` set.
   */
  urlPolicy?: UrlPolicy;
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

/** A header as it went over the wire: its name as written, and its value. */
export type HeaderLine = [name: string, value: string];

/**
 * What the wire saw of a send, beyond its verdict: each part is there only when the send got that
 * far (no request headers for a URL refused before connecting, no response headers without a
 * response).
 */
export type SendExchange = {
  /** The request's headers exactly as written, in order (HTTP/2's pseudo-headers included). */
  requestHeaders?: HeaderLine[];
  responseHeaders?: HeaderLine[];
  /** How many bytes of response body arrived, of which `responseExcerpt` keeps the head. */
  responseBytes?: number;
  /** The address and port the request went to, `203.0.113.5:443` or `[2001:db8::1]:443`. */
  remoteAddress?: string;
};

export type SendResult = SendExchange &
  (
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
      /**
       * Set when the URL policy refused the send before any connection: the sentence saying what
       * it refused and why. Such a send is no failure of the bot; `reason` and `detail` then hold
       * LINE's words for a URL it will not send to, for readers that know nothing of policies.
       */
      refusal?: string;
    }
  );

/** The settings a send's connection is made with; sends with equal ones share a pool. */
type ConnectionOptions = Pick<SendWebhookOptions, "connectTimeoutMs" | "dnsTimeoutMs" | "dnsServers" | "ca" | "urlPolicy">;

/**
 * Sends signed webhooks over connection pools of its own: one pool per distinct connection
 * setting, each pooling its connections per origin, so sends to a bot reuse its connection.
 * Every send is a few steps: find where the URL points, pick the pool, dispatch, then hear the
 * response (or the deadline) through a `WebhookSend`, which times the phases and classifies.
 */
export class WebhookSender {
  private readonly agents = new Map<string, Agent>();
  /** The pool found last, and the settings (as passed, by identity) it was found for. */
  private lastAgent: ({ agent: Agent } & ConnectionOptions) | undefined;
  /** The URL parsed last: a dispatcher sends one channel's events to the same URL again and again. */
  private lastTarget: { raw: string; found: WebhookTargetCheck } | undefined;
  /**
   * The send whose dispatch is running right now. undici's connector is told nothing of the
   * request it connects for, but undici calls it synchronously from `dispatch()` when a request
   * needs a new connection, so this says whose connection it is, and its phases go to that send.
   */
  private dispatching: WebhookSend | undefined;
  private readonly requestSockets = new RequestSocketWatch();
  // Once per sender, not per pool or per send.
  private readonly onConnectionAttempt = (attempt: ConnectionAttempt) => {
    if (this.dispatching) this.dispatching.attempt = attempt;
  };

  /**
   * Sends one signed webhook and says how it went, in LINE's words. It never throws for anything
   * the bot server, the Webhook URL or the network does: every such failure comes back as
   * `{ok: false, reason, detail}`, and a URL the console would refuse fails without any network
   * activity. It throws only for our own mistakes, such as a malformed `dnsServers`.
   */
  async send(options: SendWebhookOptions): Promise<SendResult> {
    const started = performance.now();
    const found = this.targetOf(options.url);
    if (!found.ok) return refusedUrlResult(options.url, found.error, started);
    const refusal = targetRefusal(found.target, options.urlPolicy ?? "local");
    if (refusal !== null) return policyRefusalResult(refusal, { total: Math.round(performance.now() - started) });
    const agent = this.agentFor(options);
    return new Promise<SendResult>((resolve) => {
      const send = new WebhookSend(started, options, this.requestSockets, resolve);
      this.dispatch(agent, found.target, options, send);
    });
  }

  /**
   * Closes every pooled connection. Sends after this open new ones; call it when shutting down
   * and at the end of tests.
   */
  async close(): Promise<void> {
    const all = [...this.agents.values()];
    this.agents.clear();
    this.lastAgent = undefined;
    this.requestSockets.stop();
    await Promise.all(all.map((agent) => agent.destroy()));
  }

  private targetOf(raw: string): WebhookTargetCheck {
    const last = this.lastTarget;
    if (last?.raw === raw) return last.found;
    const found = webhookTargetOf(raw);
    // A refused URL is not kept: it fails before the network, and must not evict a good one.
    if (found.ok) this.lastTarget = { raw, found };
    return found;
  }

  private agentFor(options: ConnectionOptions): Agent {
    // A dispatcher passes the same settings to every send: the last pool found is checked first.
    const last = this.lastAgent;
    if (
      last &&
      last.connectTimeoutMs === options.connectTimeoutMs &&
      last.dnsTimeoutMs === options.dnsTimeoutMs &&
      last.dnsServers === options.dnsServers &&
      last.ca === options.ca &&
      last.urlPolicy === options.urlPolicy
    ) {
      return last.agent;
    }
    const settings = {
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      dnsTimeoutMs: options.dnsTimeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
      dnsServers: options.dnsServers ? [...options.dnsServers] : undefined,
      urlPolicy: options.urlPolicy ?? "local",
    };
    // A malformed server list is our configuration's fault, not the bot's: say so now, by
    // throwing, rather than later as a failed send counted against the channel.
    if (settings.dnsServers) new Resolver().setServers(settings.dnsServers);
    const caList = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
    const caDigest = caList.map((c) => createHash("sha256").update(c).digest("hex"));
    const key = JSON.stringify({ ...settings, ca: caDigest });
    let agent = this.agents.get(key);
    if (!agent) {
      const secureContext = caList.length > 0 ? createSecureContext({ ca: [...rootCertificates, ...caList] }) : undefined;
      agent = this.createAgent({ ...settings, secureContext });
      this.agents.set(key, agent);
    }
    const { connectTimeoutMs, dnsTimeoutMs, dnsServers, ca, urlPolicy } = options;
    this.lastAgent = { agent, connectTimeoutMs, dnsTimeoutMs, dnsServers, ca, urlPolicy };
    return agent;
  }

  private createAgent(settings: ConnectorSettings): Agent {
    this.requestSockets.start();
    return new Agent({
      connect: createPhasedConnector(settings, this.onConnectionAttempt),
      allowH2: true,
      // Safety nets only: our own deadline always fires first.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
  }

  private dispatch(agent: Agent, target: WebhookTarget, options: SendWebhookOptions, send: WebhookSend): void {
    const body = typeof options.body === "string" ? Buffer.from(options.body, "utf8") : options.body;
    this.dispatching = send;
    try {
      agent.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: "POST",
          headers: {
            "Content-Type": WEBHOOK_CONTENT_TYPE,
            "User-Agent": WEBHOOK_USER_AGENT,
            "x-line-signature": signBody(options.secret, body),
          },
          body,
        },
        send,
      );
    } catch (error) {
      // undici validates synchronously (e.g. a host it cannot put in a request line).
      send.fail(new SendStageError("url", SEND_ERROR_CODES.invalidUrl, errorMessage(error), { cause: error }));
    } finally {
      this.dispatching = undefined;
    }
  }
}

/**
 * Tells a send which socket its request was written to, new or reused. undici calls the
 * handler's onRequestStart and then, in the same synchronous step, publishes
 * `undici:client:sendHeaders` with the socket; that is the only place a reused connection's
 * socket (and so its HTTP version) can be seen. The channel is process-wide (any undici publishes
 * to it), so a message is taken only by the send whose request started in that same step.
 */
class RequestSocketWatch {
  private writing: WebhookSend | undefined;
  private isSubscribed = false;
  private readonly onSendHeaders = (message: unknown) => {
    const send = this.writing;
    if (!send) return;
    const socket = typeof message === "object" && message !== null && "socket" in message ? message.socket : undefined;
    if (socket instanceof Socket) send.socket = socket;
    const headers = typeof message === "object" && message !== null && "headers" in message ? message.headers : undefined;
    if (typeof headers === "string") send.sentHeaders = headers;
    this.writing = undefined;
  };
  // The message comes within the step that set `writing`, or not at all: after it, nothing may take it.
  private readonly forget = () => {
    this.writing = undefined;
  };

  /** Listens while the sender has pools, so an idle or closed sender costs undici nothing. */
  start(): void {
    if (this.isSubscribed) return;
    subscribe(SEND_HEADERS_CHANNEL, this.onSendHeaders);
    this.isSubscribed = true;
  }

  stop(): void {
    if (!this.isSubscribed) return;
    unsubscribe(SEND_HEADERS_CHANNEL, this.onSendHeaders);
    this.isSubscribed = false;
    this.writing = undefined;
  }

  /** The next socket undici publishes in this synchronous step is the one `send` writes to. */
  expect(send: WebhookSend): void {
    this.writing = send;
    queueMicrotask(this.forget);
  }
}

const SEND_HEADERS_CHANNEL = "undici:client:sendHeaders";

/**
 * One send in flight: undici's handler for its request, and its deadline. It keeps what the
 * response has shown so far and settles once, with the response or the first failure.
 */
class WebhookSend implements Dispatcher.DispatchHandler {
  /** The connection its dispatch opened, if it opened one. */
  attempt?: ConnectionAttempt;
  /** The socket the request was written to, new or reused. */
  socket?: Socket;
  /** The request's header block as undici wrote it. */
  sentHeaders?: string;

  private readonly responseTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private isSettled = false;
  private hasRequestStarted = false;
  private controller?: Dispatcher.DispatchController;
  private statusCode?: number;
  private firstByte?: number;
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private receivedBytes = 0;
  private responseHeaders?: HeaderLine[];
  private readonly bodyBytes: number;
  private deadline: NodeJS.Timeout;

  constructor(
    private readonly started: number,
    options: SendWebhookOptions,
    private readonly requestSockets: RequestSocketWatch,
    private readonly resolve: (result: SendResult) => void,
  ) {
    this.responseTimeoutMs = options.responseTimeoutMs ?? RESPONSE_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.bodyBytes = typeof options.body === "string" ? Buffer.byteLength(options.body, "utf8") : options.body.length;
    // Our own timer, not undici's headersTimeout/bodyTimeout: those are checked on a coarse
    // clock and fire about half a second late, and they would not cover connecting.
    this.deadline = setTimeout(onSendDeadline, this.responseTimeoutMs, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // A connection that only finished after the deadline must not deliver a webhook we
    // already reported as failed.
    if (this.isSettled) {
      controller.abort(new Error("Webhook send already settled"));
      return;
    }
    this.hasRequestStarted = true;
    this.requestSockets.expect(this);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx interim responses come before the real one
    this.statusCode = statusCode;
    this.firstByte = this.elapsed();
    // A loop, not entries and flatMap: every send's response headers go through it.
    const lines: HeaderLine[] = [];
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === "string") lines.push([name, value]);
      else if (value !== undefined) for (const v of value) lines.push([name, v]);
    }
    this.responseHeaders = lines;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.receivedBytes += chunk.length;
    // Keep the head of the body; the rest is read off the wire and dropped.
    if (this.keptBytes >= this.maxResponseBytes) return;
    const piece = chunk.subarray(0, this.maxResponseBytes - this.keptBytes);
    this.kept.push(Buffer.from(piece));
    this.keptBytes += piece.length;
  }

  onResponseEnd(): void {
    this.finishWithStatus();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /**
   * A timer's start is the event loop's cached clock, which may be a little behind `started`:
   * one that fires early waits out the rest, so no response is refused before the deadline.
   */
  onDeadline(): void {
    const left = this.responseTimeoutMs - (performance.now() - this.started);
    if (left > 0) {
      this.deadline = setTimeout(onSendDeadline, Math.ceil(left), this);
      return;
    }
    if (this.statusCode !== undefined && !isSuccess(this.statusCode)) {
      // The verdict is already known; only the rest of an error page is missing.
      this.finishWithStatus();
    } else {
      const stage: SendStage = this.hasRequestStarted ? "http" : (stageOf(this.attempt) ?? "tcp");
      const message = `No complete response within ${this.responseTimeoutMs} ms (stage: ${stage})`;
      this.fail(new SendStageError(stage, SEND_ERROR_CODES.timeout, message));
    }
    this.controller?.abort(new Error("Webhook response deadline passed"));
  }

  /** Settles as the failure LINE would report for `error`. */
  fail(error: unknown): void {
    if (this.isSettled) return;
    if (error instanceof UrlPolicyRefusal) {
      this.settle(policyRefusalResult(error.message, this.timings()));
      return;
    }
    const { statusCode, keptBytes } = this;
    const failure = classifyFailure(explainHttpError(error, this.socket ?? this.attempt?.socket));
    this.settle(
      this.withExchange({
        ok: false,
        ...failure,
        ...(statusCode !== undefined ? { statusCode } : {}),
        timings: this.timings(),
        ...(keptBytes > 0 ? { responseExcerpt: this.excerpt() } : {}),
        httpVersion: this.httpVersion(),
        cause: errorMessage(error),
      }),
    );
  }

  /** Settles by the status code, once there is one: a 2xx is a success, anything else LINE's error. */
  private finishWithStatus(): void {
    const { statusCode } = this;
    if (statusCode === undefined || this.isSettled) return;
    if (isSuccess(statusCode)) {
      // A literal of one shape, with no spread: every successful send makes one.
      this.settle(
        this.withExchange({
          ok: true,
          statusCode,
          timings: this.timings(),
          responseExcerpt: this.excerpt(),
          httpVersion: this.httpVersion(),
        }),
      );
    } else {
      const failure = statusCodeFailure(statusCode);
      this.settle(
        this.withExchange({
          ok: false,
          ...failure,
          statusCode,
          timings: this.timings(),
          responseExcerpt: this.excerpt(),
          httpVersion: this.httpVersion(),
        }),
      );
    }
  }

  private settle(result: SendResult): void {
    if (this.isSettled) return;
    this.isSettled = true;
    clearTimeout(this.deadline);
    this.resolve(result);
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  private timings(): SendTimings {
    const { attempt } = this;
    return { dns: attempt?.dns, connect: attempt?.connect, tls: attempt?.tls, firstByte: this.firstByte, total: this.elapsed() };
  }

  /**
   * `result` with what the wire saw so far: the request's headers, the response's, and where it
   * went. Set on the result rather than spread into it: every send's result goes through here.
   */
  private withExchange(result: SendResult): SendResult {
    const socket = this.socket ?? this.attempt?.socket;
    if (this.sentHeaders !== undefined) result.requestHeaders = requestHeaderLines(this.sentHeaders, this.bodyBytes);
    if (this.responseHeaders !== undefined) result.responseHeaders = this.responseHeaders;
    if (this.statusCode !== undefined) result.responseBytes = this.receivedBytes;
    const address = socket?.remoteAddress;
    if (address !== undefined) result.remoteAddress = `${address.includes(":") ? `[${address}]` : address}:${socket?.remotePort}`;
    return result;
  }

  private excerpt(): string {
    // A bot's short answer comes in one chunk, which needs no copy into a new buffer first.
    if (this.kept.length === 1) return this.kept[0].toString("utf8");
    return Buffer.concat(this.kept, this.keptBytes).toString("utf8");
  }

  private httpVersion(): HttpVersion | undefined {
    return versionOf(this.socket ?? this.attempt?.socket);
  }
}

/**
 * The header lines of a request's header block as undici hands it to its diagnostics channel.
 * HTTP/1.1's block starts with the request line, which is left out, and lacks the Content-Length
 * that undici appends as it writes a body of known length; HTTP/2's has it, and its names go on
 * the wire in lower case whatever case undici was given them in.
 */
export function requestHeaderLines(block: string, bodyBytes: number): HeaderLine[] {
  // One pass over the block, with no array of lines in between: every send's headers go through it.
  const headers: HeaderLine[] = [];
  let isHttp1 = false;
  let isFirstLine = true;
  let hasLength = false;
  for (let start = 0; start < block.length; ) {
    const breakAt = block.indexOf("\r\n", start);
    const end = breakAt === -1 ? block.length : breakAt;
    const line = block.slice(start, end);
    start = end + 2;
    if (line === "") continue;
    if (isFirstLine) {
      isFirstLine = false;
      isHttp1 = line.endsWith(" HTTP/1.1");
      if (isHttp1) continue;
    }
    // A pseudo-header's name starts with the colon (":path: /callback").
    const colon = line.indexOf(":", line.startsWith(":") ? 1 : 0);
    const written = line.slice(0, colon);
    const name = isHttp1 ? written : written.toLowerCase();
    if (!hasLength && name.length === 14 && name.toLowerCase() === "content-length") hasLength = true;
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  if (!hasLength) headers.push(["content-length", String(bodyBytes)]);
  return headers;
}

// A plain function with the send as its argument: no closure per send for its timer.
function onSendDeadline(send: WebhookSend): void {
  send.onDeadline();
}

/** The result for a URL the console would refuse: LINE's Invalid URL syntax, with no network. */
function refusedUrlResult(raw: string, rule: string, started: number): SendResult {
  const error = new SendStageError("url", SEND_ERROR_CODES.invalidUrl, `Invalid Webhook URL: ${raw}`);
  const timings = { total: Math.round(performance.now() - started) };
  return { ok: false, ...classifyFailure(error), timings, cause: `${error.message} (${rule})` };
}

/** The result for a send the URL policy refused: no failure of the bot, and nothing was sent. */
function policyRefusalResult(refusal: string, timings: SendTimings): SendResult {
  return { ok: false, ...failureOf("Invalid URL syntax"), timings, refusal, cause: refusal };
}

function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

/**
 * An HTTP/2 connection that fails before the server sent a single byte of HTTP/2 (not even its
 * SETTINGS) never became a session: that is LINE's "session closed", not a reset stream.
 */
function explainHttpError(error: unknown, socket: Socket | undefined): unknown {
  if (error instanceof SendStageError) return error;
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

/** The process's sender, behind `sendWebhook`: the dispatcher and the checks share its pools. */
const processSender = new WebhookSender();

/** Sends one signed webhook through the process's sender; see `WebhookSender.send`. */
export function sendWebhook(options: SendWebhookOptions): Promise<SendResult> {
  return processSender.send(options);
}

/** Closes the process's sender's pooled connections; see `WebhookSender.close`. */
export function closeWebhookConnections(): Promise<void> {
  return processSender.close();
}
