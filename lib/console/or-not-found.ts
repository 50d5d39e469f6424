import { notFound } from "next/navigation";
import { NotFoundError } from "../errors";

/**
 * The value a page's read resolves to, or Next's 404 page when the read says the thing does not
 * exist (or may not be known to exist). Any other error is left to the tab's error page.
 */
export async function orNotFound<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}
