/** A feed position: the last (txid, seq) served. Opaque to clients: base64url of "txid.seq". */
export interface FeedPosition {
  txid: number;
  seq: number;
}

export const START: FeedPosition = { txid: 0, seq: 0 };

export function encodeCursor(position: FeedPosition): string {
  return Buffer.from(`${position.txid}.${position.seq}`, "utf8").toString("base64url");
}

/** Returns null for anything that is not a cursor this API issued. */
export function decodeCursor(cursor: string): FeedPosition | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) return null;
  const txid = Number(match[1]);
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(txid) || !Number.isSafeInteger(seq)) return null;
  return { txid, seq };
}
