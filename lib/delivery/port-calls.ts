import type { MessagePort, Worker } from "node:worker_threads";
import { storageFailure, StorageUnavailableError, type UserText } from "../errors";

/** Either end of a thread's messages: a Worker, or a MessagePort such as a thread's parentPort. */
type Port = MessagePort | Worker;

type Call<A> = { call: number; args: A };
type Answer<R> = { call: number; result?: R; failure?: { message: string; storage?: { status: 503 | 507; text: UserText } } };

/**
 * How many calls may wait for their answers, and what a call past that is refused with at once,
 * its arguments never sent.
 */
export type CallLimit = { waiting: number; refusal: () => Error };

/**
 * Calls answered on a port's other end by `answerCalls`. A failure comes back with its message,
 * and a StorageUnavailableError as one, so that a request still gets its 503 or 507.
 */
export class PortCaller<A, R> {
  private readonly waiting = new Map<number, { resolve: (result: R) => void; reject: (error: Error) => void }>();
  private nextCall = 0;

  constructor(
    private readonly port: Port,
    private readonly limit?: CallLimit,
  ) {
    port.on("message", (message: unknown) => {
      const { call, result, failure } = message as Answer<R>;
      const waiter = this.waiting.get(call);
      if (!waiter) return;
      this.waiting.delete(call);
      if (!failure) waiter.resolve(result as R);
      else if (failure.storage) waiter.reject(new StorageUnavailableError(failure.storage.status, failure.storage.text));
      else waiter.reject(new Error(failure.message));
    });
  }

  call(args: A): Promise<R> {
    if (this.limit && this.waiting.size >= this.limit.waiting) return Promise.reject(this.limit.refusal());
    return new Promise((resolve, reject) => {
      const call = this.nextCall++;
      this.waiting.set(call, { resolve, reject });
      this.port.postMessage({ call, args } satisfies Call<A>);
    });
  }

  /** Rejects every call still waiting for its answer, with `error` (the other end is gone). */
  failWaiting(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

/** Answers each call a PortCaller sends on `port` with what `work` makes of its arguments. */
export function answerCalls<A, R>(port: Port, work: (args: A) => Promise<R>): void {
  port.on("message", (message: unknown) => {
    const { call, args } = message as Call<A>;
    work(args).then(
      (result) => port.postMessage({ call, result } satisfies Answer<R>),
      (error: unknown) => {
        const storage = storageFailure(error);
        const message = String(error instanceof Error ? error.message : error);
        port.postMessage({ call, failure: { message, storage: storage ? { status: storage.status, text: storage.text } : undefined } } satisfies Answer<R>);
      },
    );
  });
}
