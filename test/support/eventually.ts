/**
 * Retries an assertion until it passes or the deadline is reached, then rethrows its last
 * failure. For effects that happen asynchronously (a workflow reacting to a signal); the
 * deadline only bounds a hang, it is not what the test asserts.
 */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 30_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
