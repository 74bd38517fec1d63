/**
 * Wraps an async action so that concurrent callers share its runs: at most one run in flight,
 * and callers arriving meanwhile all share the next one, which starts when the current one
 * ends. Each caller therefore awaits a run that started after its call — what a wake-up after
 * a write needs (joining the run in flight could miss the write) — without one run per caller.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = () => {
    const current: Promise<void> = run().finally(() => {
      if (inFlight === current) inFlight = undefined;
    });
    inFlight = current;
    return current;
  };
  return () => {
    if (next) return next;
    if (!inFlight) return start();
    next = inFlight
      .catch(() => {})
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
