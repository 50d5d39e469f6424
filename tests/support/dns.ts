import { createSocket } from "node:dgram";
import { once } from "node:events";

export type TestDns = {
  /** The server as WEBHOOK_DNS_SERVERS takes it: `127.0.0.1:port`. */
  server: string;
  /** Every query received, as `A name` or `AAAA name`, in order. */
  queries: string[];
  close(): Promise<void>;
};

const TYPE_A = 1;
const TYPE_AAAA = 28;

/**
 * A real DNS server on loopback UDP. It answers an A query for a name in `records` with that
 * name's IPv4 address (for a list, the next one at each A query, the last one again once the
 * list is used up: a rebinding name), an AAAA query for one with no records (NODATA), and any
 * other name with NXDOMAIN: just enough of RFC 1035 for Node's resolver.
 */
export async function startDns(records: Record<string, string | string[]>): Promise<TestDns> {
  const known = new Map(Object.entries(records).map(([name, address]) => [name.toLowerCase(), [address].flat()]));
  const answered = new Map<string, number>();
  const nextAddress = (name: string, type: number): string | undefined => {
    const addresses = known.get(name.toLowerCase());
    if (!addresses) return undefined;
    const count = answered.get(name.toLowerCase()) ?? 0;
    if (type === TYPE_A) answered.set(name.toLowerCase(), count + 1);
    return addresses[Math.min(count, addresses.length - 1)];
  };
  const queries: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (query, from) => {
    const question = readQuestion(query);
    if (!question) return;
    const { name, type, end } = question;
    queries.push(`${type === TYPE_AAAA ? "AAAA" : type === TYPE_A ? "A" : type} ${name}`);
    const address = nextAddress(name, type);
    const answer = address !== undefined && type === TYPE_A ? aRecord(address) : Buffer.alloc(0);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    // A response (QR), recursion desired as asked, recursion available, and NXDOMAIN for a name it does not know.
    header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (address === undefined ? 3 : 0), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer.length > 0 ? 1 : 0, 6);
    // The question is echoed without the additional records (EDNS) the query may carry.
    socket.send(Buffer.concat([header, query.subarray(12, end), answer]), from.port, from.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return {
    server: `127.0.0.1:${socket.address().port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The first question of a query: its name, its type, and where the question section ends. */
function readQuestion(query: Buffer): { name: string; type: number; end: number } | null {
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset];
    labels.push(query.toString("ascii", offset + 1, offset + 1 + length));
    offset += length + 1;
  }
  if (offset + 5 > query.length) return null;
  return { name: labels.join("."), type: query.readUInt16BE(offset + 1), end: offset + 5 };
}

/** An answer pointing back at the question's name, of class IN, with no caching. */
function aRecord(address: string): Buffer {
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc00c, 0);
  record.writeUInt16BE(TYPE_A, 2);
  record.writeUInt16BE(1, 4);
  record.writeUInt32BE(0, 6);
  record.writeUInt16BE(4, 10);
  address.split(".").forEach((part, i) => record.writeUInt8(Number(part), 12 + i));
  return record;
}
