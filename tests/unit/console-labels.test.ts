import { notFound } from "next/navigation";
import { describe, expect, test } from "vitest";
import { attemptKindLabel, formatMs, sendLabel } from "@/lib/console/labels";
import { orNotFound } from "@/lib/console/or-not-found";
import { InputError, NotFoundError } from "@/lib/errors";

/** What Next's notFound() throws, which its router turns into the 404 page. */
function notFoundSignal(): unknown {
  try {
    notFound();
  } catch (error) {
    return error;
  }
}

describe("the Delivery log's words", () => {
  test.each([
    { kind: "event", label: "Webhook" },
    { kind: "verify", label: "Verify" },
    { kind: "test", label: "API test" },
    { kind: "load", label: "load" },
  ])("a request of kind $kind is listed as $label", ({ kind, label }) => {
    expect(attemptKindLabel(kind)).toBe(label);
  });

  test.each([
    { value: null, shown: "–" },
    { value: 0, shown: "0 ms" },
    { value: 12.49, shown: "12 ms" },
    { value: 12.5, shown: "13 ms" },
    { value: 2001.2, shown: "2001 ms" },
  ])("a time of $value is shown as $shown", ({ value, shown }) => {
    expect(formatMs(value)).toBe(shown);
  });

  test.each([
    { index: 0, isRedelivery: false, label: "First send" },
    { index: 0, isRedelivery: true, label: "Redelivery" },
    { index: 1, isRedelivery: true, label: "Redelivery" },
    { index: 1, isRedelivery: false, label: "Redelivery" },
  ])("send $index (isRedelivery $isRedelivery) is the $label", ({ index, isRedelivery, label }) => {
    expect(sendLabel(index, isRedelivery)).toBe(label);
  });
});

describe("orNotFound", () => {
  test("passes the value through", async () => {
    await expect(orNotFound(Promise.resolve({ id: 1 }))).resolves.toEqual({ id: 1 });
  });

  test("turns a NotFoundError into Next's 404", async () => {
    const expected = notFoundSignal() as { digest: string };
    expect(expected.digest).toMatch(/404/);
    await expect(orNotFound(Promise.reject(new NotFoundError()))).rejects.toMatchObject({ digest: expected.digest });
  });

  test("leaves every other error to the error page", async () => {
    const refused = new InputError("Turn on Use webhook first.");
    await expect(orNotFound(Promise.reject(refused))).rejects.toBe(refused);
    const bug = new TypeError("boom");
    await expect(orNotFound(Promise.reject(bug))).rejects.toBe(bug);
  });
});
