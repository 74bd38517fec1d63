/**
 * `work`, or a rejection once `ms` pass without an answer: probes (/healthz, /readyz, a metrics
 * scrape) must answer, not hang on an unreachable database. The timer never holds the process open.
 */
export function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
