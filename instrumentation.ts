export async function register() {
  // The database and its first-start data are prepared once per server process, before requests.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startConsole } = await import("./lib/startup");
    await startConsole();
  }
}
