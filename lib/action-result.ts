import { getLocale } from "next-intl/server";
import { formatUserText, userMessage } from "./errors";
import { logger } from "./log";

/** What every server action returns: the client shows `error` as it is, in the user's language. */
export type ActionResult<T = null> = { ok: true; data: T } | { ok: false; error: string };

/** Runs a mutation and turns domain errors into a message; our own failures are logged, not shown. */
export async function runAction<T>(mutation: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await mutation() };
  } catch (error) {
    const locale = await getLocale();
    const message = userMessage(error, locale);
    if (message !== null) return { ok: false, error: message };
    logger().error({ err: error }, "a server action failed");
    return { ok: false, error: formatUserText({ key: "ourFailure" }, locale) };
  }
}
