import { describe, expect, it } from "vitest";
import { batchCalls } from "./batch-calls";

/** A flush the test finishes by hand, recording each batch it was given. */
function controlledFlush() {
  const batches: Array<{ items: number[]; resolve: () => void; reject: (e: Error) => void }> = [];
  const flush = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => batches.push({ items, resolve: () => resolve(items.map((i) => `done ${i}`)), reject }));
  return { batches, flush };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("batchCalls", () => {
  it("sends a lone call at once, and calls made during a flush together in the next one", async () => {
    const { batches, flush } = controlledFlush();
    const call = batchCalls(flush, { maxInFlight: 1, maxBatch: 3 });
    const first = call(1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((i) => call(i));
    await tick();
    expect(batches).toHaveLength(1); // nothing else leaves while the flush is in flight

    batches[0]!.resolve();
    await expect(first).resolves.toBe("done 1");
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]); // at most maxBatch
    batches[1]!.resolve();
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4], [5]]);
    batches[2]!.resolve();
    await expect(Promise.all(rest)).resolves.toEqual(["done 2", "done 3", "done 4", "done 5"]);
  });

  it("runs up to maxInFlight flushes at once", async () => {
    const { batches, flush } = controlledFlush();
    const call = batchCalls(flush, { maxInFlight: 2, maxBatch: 10 });
    const calls = [1, 2, 3, 4].map((i) => call(i));
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[1]!.resolve();
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4]]);
    batches[0]!.resolve();
    batches[2]!.resolve();
    await expect(Promise.all(calls)).resolves.toEqual(["done 1", "done 2", "done 3", "done 4"]);
  });

  it("retries a failed batch item by item, so only the bad item's call fails", async () => {
    const seen: number[][] = [];
    const call = batchCalls(
      async (items: number[]) => {
        seen.push(items);
        if (items.includes(13)) throw new Error("bad item");
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const first = call(1);
    const crowd = [12, 13, 14].map((i) => call(i));
    await first;
    const settled = await Promise.allSettled(crowd);
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual([24, "bad item", 28]);
    expect(seen).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });
});
