import { Server, type IncomingMessage } from "node:http";
import { PEER_HEADER } from "../auth/client-address";

let installed = false;

/**
 * Next.js gives route handlers no socket, and fills X-Forwarded-For from it only when a client
 * sent none, so a client could name any address. Every request this process's HTTP servers
 * receive gets the socket's peer address in a header of our own instead, overwriting whatever
 * the client put there.
 */
export function recordPeerAddresses(): void {
  if (installed) return;
  installed = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const req = args[0] as IncomingMessage;
      req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}
