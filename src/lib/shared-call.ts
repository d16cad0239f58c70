/**
 * A read that many callers want at the same moment: the callers that arrive while it runs share its
 * result instead of each starting it again. The next caller after it settles starts a fresh one.
 */
export class SharedCall<T> {
  private running: Promise<T> | undefined;

  run(call: () => Promise<T>): Promise<T> {
    this.running ??= call().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
