/**
 * Runs a long-lived command (a server) with an AbortSignal that SIGINT or SIGTERM aborts, and
 * removes its signal listeners when the command ends, so a test that runs it in-process leaves none.
 */
export async function untilStopped(run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await run(controller.signal);
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
