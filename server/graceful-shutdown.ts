import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

const netClose = NetServer.prototype.close;

interface InFlight {
  method: string;
  url: string;
  startedAt: number;
}

// A connection accepted just before the drain whose request has not been read yet is not idle:
// its request is on its way. It gets this long to send it before it is closed (Node would
// otherwise keep it until headersTimeout, 60 s, holding the shutdown up).
const FIRST_REQUEST_GRACE_MS = 2000;

/**
 * Keeps count of the connections and requests a server is serving, so a shutdown can wait for
 * them, close what is idle, and say which requests were still running at its deadline. Attach it
 * before the server listens.
 */
export function trackRequests(server: Server) {
  const inFlight = new Map<ServerResponse, InFlight>();
  const connections = new Map<Socket, { served: number; busy: boolean }>();
  let draining = false;

  server.on("connection", (socket: Socket) => {
    connections.set(socket, { served: 0, busy: false });
    socket.on("close", () => connections.delete(socket));
  });
  // Before the app's handler, which may answer at once: the header must be set first.
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    const connection = connections.get(req.socket);
    if (connection) connection.busy = true;
    inFlight.set(res, { method: req.method ?? "?", url: req.url ?? "", startedAt: Date.now() });
    // Arrived after the drain began: answered, then its socket closes.
    if (draining) res.shouldKeepAlive = false;
    res.on("close", () => {
      inFlight.delete(res);
      if (connection) {
        connection.busy = false;
        connection.served++;
      }
    });
  });

  return {
    /**
     * Stops accepting connections; every response not yet started carries `Connection: close`,
     * so each busy connection closes after its answer. Idle keep-alive sockets are left to the
     * server's keep-alive timeout (5 s): closing one at once races a client that sends on it in
     * that instant (a reset it cannot tell from a lost request), while a client that does send
     * gets its answer with `Connection: close`, and clients that read the `Keep-Alive: timeout`
     * hint stop using the socket before the server closes it. Resolves when every connection
     * has closed.
     */
    drain(): Promise<void> {
      draining = true;
      for (const res of inFlight.keys()) if (!res.headersSent) res.shouldKeepAlive = false;
      // net.Server's close: stop listening, resolve once every connection has closed. (http's
      // close would also close the idle keep-alive sockets at once.)
      const closed = new Promise<void>((resolve) => netClose.call(server, () => resolve()));
      setTimeout(() => {
        for (const [socket, c] of connections) if (!c.busy && c.served === 0) socket.destroy();
      }, FIRST_REQUEST_GRACE_MS).unref();
      return closed;
    },
    /** The requests still being answered, oldest first (for the log at the deadline). */
    inFlight(): string[] {
      const now = Date.now();
      return [...inFlight.values()].sort((a, b) => a.startedAt - b.startedAt).map((r) => `${r.method} ${r.url.split("?")[0]} (${now - r.startedAt} ms)`);
    },
  };
}

export type RequestTracker = ReturnType<typeof trackRequests>;

/** The jobs a graphile-worker runner is running, from its events (for the log at the deadline). */
export function trackJobs(events: { on(event: "job:start" | "job:complete", listener: (e: { job: { id: string; task_identifier: string } }) => void): unknown }) {
  const running = new Map<string, { task: string; startedAt: number }>();
  events.on("job:start", ({ job }) => running.set(job.id, { task: job.task_identifier, startedAt: Date.now() }));
  events.on("job:complete", ({ job }) => running.delete(job.id));
  return () => {
    const now = Date.now();
    return [...running.entries()].map(([id, j]) => `${j.task} #${id} (${now - j.startedAt} ms)`);
  };
}

export interface ShutdownPlan {
  signal: string;
  deadlineMs: number;
  requests: RequestTracker;
  /** Stops taking jobs and waits for the running ones (graphile-worker's runner.stop()). */
  stopJobs: () => Promise<void>;
  runningJobs: () => string[];
  /** What outlives requests and jobs: the database pool, what the bootstrap started. */
  closeResources: () => Promise<void>;
  log: (line: string) => void;
  exit: (code: number) => void;
}

/**
 * The shutdown sequence (ADR 0050): stop accepting and finish the requests in
 * flight — a Stripe webhook among them is recorded before it is answered — and, at the same
 * time, stop the job worker, which lets running jobs finish; then close the pool and what the
 * bootstrap started; exit 0. Past the deadline: say what was still running and exit 1.
 */
export async function shutDownGracefully(plan: ShutdownPlan): Promise<void> {
  const started = Date.now();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const requestsAtStart = plan.requests.inFlight().length;
  const jobsAtStart = plan.runningJobs().length;
  plan.log(`${plan.signal}: shutting down — ${requestsAtStart} request(s) in flight, ${jobsAtStart} job(s) running; deadline ${seconds(plan.deadlineMs)}`);

  let phase = "requests and jobs";
  const deadline = setTimeout(() => {
    const requests = plan.requests.inFlight();
    const jobs = plan.runningJobs();
    plan.log(
      `${plan.signal}: shutdown deadline of ${seconds(plan.deadlineMs)} passed while waiting for ${phase}; exiting with work unfinished. ` +
        `Requests in flight: ${requests.length ? requests.join(", ") : "none"}. Jobs running: ${jobs.length ? jobs.join(", ") : "none"}.`,
    );
    plan.exit(1);
  }, plan.deadlineMs);

  try {
    let requestsMs = 0;
    let jobsMs = 0;
    await Promise.all([
      plan.requests.drain().then(() => void (requestsMs = Date.now() - started)),
      plan.stopJobs().then(() => void (jobsMs = Date.now() - started)),
    ]);
    phase = "the database pool and the bootstrap's services to close";
    await plan.closeResources();
    clearTimeout(deadline);
    plan.log(`${plan.signal}: shut down in ${seconds(Date.now() - started)} (requests finished in ${seconds(requestsMs)}, jobs in ${seconds(jobsMs)})`);
    plan.exit(0);
  } catch (error) {
    clearTimeout(deadline);
    plan.log(`${plan.signal}: shutdown failed after ${seconds(Date.now() - started)}: ${String(error)}`);
    plan.exit(1);
  }
}
