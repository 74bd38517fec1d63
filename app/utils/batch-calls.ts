/**
 * Group commit for concurrent calls: `flush` handles many items in one go (one round trip, one
 * commit). At most `maxInFlight` flushes run at once; calls made meanwhile wait and leave
 * together (up to `maxBatch`) as soon as a flush ends, so a lone call goes at once and a crowd
 * shares round trips. `flush` returns one result per item, in order. A batch that fails is
 * retried item by item, so one bad item fails only its own call.
 */
export function batchCalls<T, R>(flush: (items: T[]) => Promise<R[]>, options: { maxInFlight: number; maxBatch: number }): (item: T) => Promise<R> {
  type Waiting = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };
  const waiting: Waiting[] = [];
  let inFlight = 0;

  const settle = async (batch: Waiting[]) => {
    try {
      const results = await flush(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const w of batch) await settle([w]);
    }
  };
  const pump = () => {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      inFlight++;
      void settle(waiting.splice(0, options.maxBatch)).finally(() => {
        inFlight--;
        pump();
      });
    }
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
