import { db, isDatabaseUnavailable, type Executor, type Tx } from "~/db.server";
import { log } from "~/utils/log.server";

type Undo = () => Promise<void>;

/** The undo list of each open transactionWithBlobs transaction. */
const undosOf = new WeakMap<Executor, Undo[]>();

/**
 * A database transaction in which blobs may be put (`storage.put(key, bytes, tx)`). The Postgres
 * driver writes inside it; the filesystem and S3 drivers cannot, so they write at once and leave
 * an undo here: when the transaction rolls back, what they wrote is deleted again, and a
 * rolled-back upload leaves no object behind.
 *
 * A commit that fails because the connection broke may still have committed: then nothing is
 * deleted (an orphan object is harmless; a row whose file is gone is not).
 */
export async function transactionWithBlobs<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const undos: Undo[] = [];
  let workFailed = false;
  try {
    return await db.transaction(async (tx) => {
      undosOf.set(tx, undos);
      try {
        return await work(tx);
      } catch (error) {
        workFailed = true;
        throw error;
      }
    });
  } catch (error) {
    if (workFailed || !isDatabaseUnavailable(error)) await undoAll(undos);
    else if (undos.length > 0) log("warn", "blobs.commit_unknown", { objects: undos.length, message: "the commit may have happened: stored files kept" });
    throw error;
  }
}

async function undoAll(undos: Undo[]) {
  const results = await Promise.allSettled(undos.map((undo) => undo()));
  const failed = results.filter((r) => r.status === "rejected").length;
  // An orphan object is only wasted space: the rolled-back caller's error matters more.
  if (failed > 0) log("warn", "blobs.undo_failed", { objects: failed, message: String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason) });
}

/**
 * Called by a driver putting a blob inside `tx`: `undo` (or nothing, for a driver whose write
 * is part of the transaction) runs if it rolls back. A transaction not opened by
 * transactionWithBlobs is refused, with every driver, so the mistake shows in any test run.
 */
export function onRollback(tx: Executor, undo: Undo | null): void {
  const undos = undosOf.get(tx);
  if (!undos) throw new Error("A blob put inside a transaction needs transactionWithBlobs (so that a rollback can delete it)");
  if (undo) undos.push(undo);
}
