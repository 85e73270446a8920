/**
 * Runs async sections one at a time, in arrival order, inside a workflow. Handlers that call
 * activities (freeze, terminate) and the main loop must not interleave their steps.
 * Deterministic: it only chains promises.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section, section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
