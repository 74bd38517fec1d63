import type { IncomingMessage, ServerResponse } from "node:http";

const LINGER_MS = 2_000;
const LINGER_BYTES = 16 * 1024 * 1024;

/**
 * Once the answer is out, throws away what is left of a request body the server will not read
 * (a 413, a 401 before reading), then lets the connection go on. This is a "lingering close":
 * closing at once would reset a client that is still sending before it reads the answer (Node's
 * own client reports EPIPE instead of the 413), and leaving the body unread would stall the next
 * request on a kept-alive connection. Bounded: past 2 s or 16 MB more, the socket is closed.
 */
export function discardUnreadBody(req: IncomingMessage, res: ServerResponse) {
  res.once("finish", () => {
    if (req.readableEnded) return;
    const socket = req.socket;
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    req.unpipe();
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) socket.destroy();
    });
    req.once("end", () => clearTimeout(timer));
    req.once("close", () => clearTimeout(timer));
    req.resume();
  });
}
