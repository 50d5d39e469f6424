/**
 * Waits until a condition holds, checking it every 20 ms; throws once `timeoutMs` have passed
 * without it. For conditions on other processes, threads or the database, which settle in their
 * own time: the test asserts the outcome, not how soon it came.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
