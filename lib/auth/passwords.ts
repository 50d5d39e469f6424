import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const KEY_LENGTH = 64;
// scrypt's cost parameters; N=2^15 costs about 50 ms here, which is fine for a sign-in.
const N = 32768;
const R = 8;
const P = 1;

/**
 * Each derivation holds 32 MiB and one of libuv's four threads for about 50 ms, so a flood of
 * sign-ins could take the process's memory and its file and DNS work with it. At most this many
 * run at once in a process…
 */
export const MAX_RUNNING_HASHES = 4;
/** …and at most this many more wait for a turn; any further one is refused at once. */
export const MAX_WAITING_HASHES = 8;

/** A password could not be checked now because too many checks are running or waiting. */
export class HashBusyError extends Error {
  constructor() {
    super("The console is checking many passwords at once. Try again in a few seconds.");
    this.name = "HashBusyError";
  }
}

let running = 0;
const waiting: (() => void)[] = [];

async function takeTurn(): Promise<void> {
  if (running < MAX_RUNNING_HASHES) {
    running += 1;
    return;
  }
  if (waiting.length >= MAX_WAITING_HASHES) throw new HashBusyError();
  // The finishing derivation hands its turn over, so `running` stays counted.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function endTurn(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

async function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  await takeTurn();
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
        err ? reject(err) : resolve(key),
      );
    });
  } finally {
    endTurn();
  }
}

/** Hashes a password with scrypt and a random salt, in a self-describing string. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password that is easy to read out and type: 4 groups of 4 characters. */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(16);
  let out = "";
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 4 === 0) out += "-";
    out += alphabet[bytes[i] % alphabet.length];
  }
  return out;
}
