import { describe, expect, it } from "vitest";
import { coalesce } from "./coalesce";

/** A run the test finishes by hand. */
function controlledRuns() {
  const runs: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const run = () => new Promise<void>((resolve, reject) => runs.push({ resolve, reject }));
  return { runs, run };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("coalesce", () => {
  it("runs at once when idle, and callers during a run share one run that starts after it", async () => {
    const { runs, run } = controlledRuns();
    const nudge = coalesce(run);
    const settled: string[] = [];
    const first = nudge().then(() => settled.push("first"));
    expect(runs).toHaveLength(1);

    // Arriving during run 1: they must not be satisfied by run 1, which may predate their write.
    const second = nudge().then(() => settled.push("second"));
    const third = nudge().then(() => settled.push("third"));
    await tick();
    expect(runs).toHaveLength(1);

    runs[0]!.resolve();
    await first;
    await tick();
    expect(settled).toEqual(["first"]);
    expect(runs).toHaveLength(2); // one run for both waiting callers

    // A caller arriving during run 2 waits for run 3, not run 2.
    const fourth = nudge().then(() => settled.push("fourth"));
    runs[1]!.resolve();
    await Promise.all([second, third]);
    await tick();
    expect(settled).toEqual(["first", "second", "third"]);
    expect(runs).toHaveLength(3);
    runs[2]!.resolve();
    await fourth;
    expect(settled).toEqual(["first", "second", "third", "fourth"]);

    // Idle again: the next call starts straight away.
    void nudge();
    expect(runs).toHaveLength(4);
    runs[3]!.resolve();
  });

  it("reports a failed run to its callers and still starts the next one for those waiting", async () => {
    const { runs, run } = controlledRuns();
    const nudge = coalesce(run);
    const first = nudge();
    const second = nudge();
    runs[0]!.reject(new Error("database unavailable"));
    await expect(first).rejects.toThrow("database unavailable");
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve();
    await expect(second).resolves.toBeUndefined();
  });
});
