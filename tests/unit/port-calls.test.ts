import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, test } from "vitest";
import { PortCaller } from "@/lib/delivery/port-calls";
import { StorageUnavailableError } from "@/lib/errors";

// A thread that answers calls as `answerCalls` does, but only once told to: until then every call
// it receives waits, as batches wait for an event writer held up by the disk or a lock.
const HELD_ANSWERS = `
  const { parentPort } = require("node:worker_threads");
  const held = [];
  let received = 0;
  parentPort.on("message", (message) => {
    if (message === "count") return parentPort.postMessage({ received });
    if (message === "release") {
      for (const call of held.splice(0)) parentPort.postMessage({ call, result: call * 2 });
      return;
    }
    received += 1;
    held.push(message.call);
  });
`;

let worker: Worker | undefined;
afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

/** What the thread says when asked, past any calls sent before the question. */
function ask(thread: Worker, question: string): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (message: { received?: number }) => {
      if (message.received === undefined) return;
      thread.off("message", onMessage);
      resolve(message.received);
    };
    thread.on("message", onMessage);
    thread.postMessage(question);
  });
}

describe("calls to another thread", () => {
  test("past the limit a call is refused at once and never sent; the waiting ones are all answered", async () => {
    worker = new Worker(HELD_ANSWERS, { eval: true });
    const caller = new PortCaller<{ batch: number }, number>(worker, {
      waiting: 4,
      refusal: () => new StorageUnavailableError(503, { key: "eventWriterBusy" }),
    });
    const waiting = [0, 1, 2, 3].map((batch) => caller.call({ batch }));
    const refused = caller.call({ batch: 4 });
    await expect(refused).rejects.toMatchObject({ status: 503, text: { key: "eventWriterBusy" } });
    expect(await ask(worker, "count")).toBe(4);

    worker.postMessage("release");
    expect(await Promise.all(waiting)).toEqual([0, 2, 4, 6]);
    // With the queue drained, calls are sent again.
    const next = caller.call({ batch: 5 });
    expect(await ask(worker, "count")).toBe(5);
    worker.postMessage("release");
    expect(await next).toBe(8);
  });

  test("without a limit every call is sent", async () => {
    worker = new Worker(HELD_ANSWERS, { eval: true });
    const caller = new PortCaller<{ batch: number }, number>(worker);
    const calls = Array.from({ length: 100 }, (_, batch) => caller.call({ batch }));
    expect(await ask(worker, "count")).toBe(100);
    worker.postMessage("release");
    expect((await Promise.all(calls)).at(-1)).toBe(198);
  });
});
