import { lookup, Resolver } from "node:dns";
import { connect as connectTcp, isIP, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { connect as connectTls, type SecureContext } from "node:tls";
import type { buildConnector } from "undici";
import { SEND_ERROR_CODES, SendStageError, type SendStage } from "./classify";
import { addressRefusalRule, hostRefusalRule, UrlPolicyRefusal, type UrlPolicy } from "./url";

/** One connection being made, with what it has measured so far. */
export type ConnectionAttempt = {
  readonly stage: Exclude<SendStage, "url" | "http"> | "connected";
  readonly dns?: number;
  readonly connect?: number;
  readonly tls?: number;
  /** Set once the connection is made. */
  readonly socket?: Socket;
};

export type ConnectorSettings = {
  connectTimeoutMs: number;
  dnsTimeoutMs: number;
  dnsServers: readonly string[] | undefined;
  /** Node's bundled CAs when undefined. */
  secureContext: SecureContext | undefined;
  /**
   * Under "line", every address the host resolves to is checked before connecting, and the
   * connection goes to an address that was checked (no second lookup for a rebinding DNS to answer).
   */
  urlPolicy: UrlPolicy;
};

/**
 * An undici connector that connects the way undici's own does, but in visible phases (DNS, TCP,
 * TLS), each timed and each with its own timeout, so a failure says where it happened. Under the
 * "line" URL policy it refuses, with a `UrlPolicyRefusal`, to connect to a non-public address.
 * `onAttempt` is told of each connection as it starts: undici calls the connector from inside
 * the `dispatch()` that needed the connection, so the caller knows which send it is for.
 */
export function createPhasedConnector(
  settings: ConnectorSettings,
  onAttempt: (attempt: ConnectionAttempt) => void,
): buildConnector.connector {
  return (options, callback) => {
    const connection = new PhasedConnection(settings, options, callback);
    onAttempt(connection);
    connection.start();
  };
}

/** A connection through its phases; it calls undici back once, with the socket or the first error. */
class PhasedConnection implements ConnectionAttempt {
  stage: ConnectionAttempt["stage"] = "dns";
  dns?: number;
  connect?: number;
  tls?: number;
  socket?: Socket;

  private readonly isHttps: boolean;
  private readonly hostname: string;
  private readonly port: number;
  private readonly localAddress: string | undefined;
  /** Whatever is open so far, to destroy on failure: the TCP socket, then the TLS one over it. */
  private opened?: Socket;
  private timer?: NodeJS.Timeout;
  private isDone = false;

  constructor(
    private readonly settings: ConnectorSettings,
    options: buildConnector.Options,
    private readonly callback: buildConnector.Callback,
  ) {
    this.isHttps = options.protocol === "https:";
    this.hostname = options.hostname;
    this.port = Number(options.port) || (this.isHttps ? 443 : 80);
    this.localAddress = options.localAddress ?? undefined;
  }

  start(): void {
    if (this.settings.urlPolicy === "line") {
      const rule = hostRefusalRule(this.hostname);
      if (rule !== null) {
        this.finish(new UrlPolicyRefusal(this.hostname, rule));
        return;
      }
      if (isIP(this.hostname)) this.connectTcp(this.hostname);
      else this.resolve();
      return;
    }
    // IP literals and localhost need no DNS; net.connect reads localhost from /etc/hosts itself.
    if (isIP(this.hostname) || this.hostname === "localhost") this.connectTcp(this.hostname);
    else this.resolve();
  }

  private resolve(): void {
    const { hostname, settings } = this;
    const dnsStarted = performance.now();
    this.timer = setTimeout(() => {
      this.finish(new SendStageError("dns", SEND_ERROR_CODES.timeout, `DNS query for ${hostname} timed out`));
    }, settings.dnsTimeoutMs);
    const isChecked = settings.urlPolicy === "line";
    resolveHost(hostname, settings, isChecked).then(
      (addresses) => {
        if (this.isDone) return;
        clearTimeout(this.timer);
        this.dns = Math.round(performance.now() - dnsStarted);
        if (isChecked) {
          for (const address of addresses) {
            const rule = addressRefusalRule(address);
            if (rule !== null) {
              this.finish(new UrlPolicyRefusal(address, rule));
              return;
            }
          }
        }
        this.connectTcp(addresses[0]);
      },
      (error: unknown) => this.finish(SendStageError.wrap("dns", error)),
    );
  }

  private connectTcp(address: string): void {
    this.stage = "tcp";
    const tcpStarted = performance.now();
    // One timer for TCP and TLS together; it names whichever phase it catches.
    this.timer = setTimeout(() => {
      this.finish(new SendStageError(this.socketStage(), SEND_ERROR_CODES.timeout, "Connect timeout"));
    }, this.settings.connectTimeoutMs);
    const raw = connectTcp({ host: address, port: this.port, localAddress: this.localAddress });
    this.opened = raw;
    raw.setNoDelay(true);
    raw.setKeepAlive(true, 60_000);
    // `on`, not `once`: a second error must not go unhandled; finish() ignores all but the first.
    raw.on("error", (error) => this.finish(SendStageError.wrap(this.socketStage(), error)));
    raw.once("connect", () => {
      this.connect = Math.round(performance.now() - tcpStarted);
      if (this.isHttps) this.handshakeTls(raw);
      else this.finish(null, raw);
    });
  }

  private handshakeTls(raw: Socket): void {
    this.stage = "tls";
    const tlsStarted = performance.now();
    const { hostname } = this;
    const secure = connectTls({
      socket: raw,
      host: hostname,
      // SNI carries names only; an IP literal is checked against the certificate's IP SANs.
      servername: isIP(hostname) ? undefined : hostname,
      ALPNProtocols: ["h2", "http/1.1"],
      secureContext: this.settings.secureContext,
    });
    this.opened = secure;
    const onClose = () =>
      this.finish(new SendStageError("tls", SEND_ERROR_CODES.closedDuringHandshake, "Socket closed during the TLS handshake"));
    secure.on("error", (error) => this.finish(SendStageError.wrap("tls", error)));
    secure.once("close", onClose);
    secure.once("secureConnect", () => {
      this.tls = Math.round(performance.now() - tlsStarted);
      secure.off("close", onClose);
      this.finish(null, secure);
    });
  }

  /** The stage a socket error or the connect timer belongs to. */
  private socketStage(): "tcp" | "tls" {
    return this.stage === "tls" ? "tls" : "tcp";
  }

  private finish(error: SendStageError | UrlPolicyRefusal | null, connected?: Socket): void {
    if (this.isDone) return;
    this.isDone = true;
    clearTimeout(this.timer);
    if (error) {
      this.opened?.destroy();
      this.callback(error, null);
    } else if (connected) {
      this.socket = connected;
      this.stage = "connected";
      this.callback(null, connected);
    }
  }
}

/**
 * The addresses for a host, through the given DNS servers or the system resolver (getaddrinfo):
 * the first is the one to connect to. Without `every`, only that one; with it, every address the
 * host has, so that each can be checked (A and AAAA records both, from DNS servers).
 */
async function resolveHost(hostname: string, settings: ConnectorSettings, every: boolean): Promise<string[]> {
  if (!settings.dnsServers) {
    return new Promise((resolve, reject) => {
      if (every) lookup(hostname, { all: true }, (error, found) => (error ? reject(error) : resolve(found.map((f) => f.address))));
      else lookup(hostname, (error, address) => (error ? reject(error) : resolve([address])));
    });
  }
  const resolver = new Resolver({ timeout: settings.dnsTimeoutMs, tries: 1 });
  resolver.setServers([...settings.dnsServers]);
  const cancel = setTimeout(() => resolver.cancel(), settings.dnsTimeoutMs + 50);
  try {
    const v4 = await resolveWith(resolver, "resolve4", hostname);
    if (v4.length > 0 && !every) return v4.slice(0, 1);
    const v6 = await resolveWith(resolver, "resolve6", hostname);
    const all = [...v4, ...(every ? v6 : v6.slice(0, 1))];
    if (all.length > 0) return all;
    throw Object.assign(new Error(`queryA ENODATA ${hostname}`), { code: "ENODATA" });
  } finally {
    clearTimeout(cancel);
  }
}

/** The addresses of one record type; none when the name exists but has none of that type. */
function resolveWith(resolver: Resolver, method: "resolve4" | "resolve6", hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    resolver[method](hostname, (error, addresses) => {
      if (error?.code === "ENODATA") resolve([]);
      else if (error) reject(error);
      else resolve(addresses);
    });
  });
}
