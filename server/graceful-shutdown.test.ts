import { Agent, createServer, request, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { shutDownGracefully, trackRequests } from "./graceful-shutdown";

/** A real HTTP server whose /slow answers when the test says so. */
async function startServer() {
  const pending: Array<() => void> = [];
  const server = createServer((req, res) => {
    if (req.url === "/slow") pending.push(() => res.end("slow done"));
    else res.end("fast");
  });
  const requests = trackRequests(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, requests, port, finishSlow: () => pending.splice(0).forEach((f) => f()), slowCount: () => pending.length };
}

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string; connection: string | undefined; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body, connection: res.headers.connection, res }));
    })
      .on("error", reject)
      .end();
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

let open: Server | undefined;
afterEach(() => {
  open?.close();
  open?.closeAllConnections();
});

describe("draining an HTTP server", () => {
  it("finishes a request in flight with Connection: close, refuses new connections, and resolves after the answer", async () => {
    const s = await startServer();
    open = s.server;
    const agent = new Agent({ keepAlive: true });
    const slow = get(s.port, "/slow", agent);
    await until(() => s.slowCount() === 1);

    let drained = false;
    const drain = s.requests.drain().then(() => (drained = true));
    expect(s.requests.inFlight()).toEqual([expect.stringMatching(/^GET \/slow \(\d+ ms\)$/)]);
    await expect(get(s.port, "/fast")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await new Promise((r) => setTimeout(r, 50));
    expect(drained).toBe(false);

    s.finishSlow();
    const answer = await slow;
    expect(answer).toMatchObject({ status: 200, body: "slow done", connection: "close" });
    await drain;
    expect(s.requests.inFlight()).toEqual([]);
    agent.destroy();
  });

  it("leaves an idle keep-alive connection open until its keep-alive timeout, answering a request sent on it meanwhile with Connection: close", async () => {
    const s = await startServer();
    open = s.server;
    s.server.keepAliveTimeout = 600;
    // Raw client sockets that made one request each and keep the connection open.
    const client = async () => {
      const socket = connect(s.port, "127.0.0.1");
      const c = { socket, closed: false, received: "" };
      socket.on("close", () => (c.closed = true));
      socket.on("data", (d: Buffer) => (c.received += d.toString()));
      socket.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
      await until(() => c.received.endsWith("fast"));
      expect(c.received).toMatch(/Connection: keep-alive/i);
      return c;
    };
    const [sending, quiet] = [await client(), await client()];

    const started = Date.now();
    let drained = false;
    const drain = s.requests.drain().then(() => (drained = true));
    // Not cut at once: a client sending on its idle socket in this instant gets an answer.
    expect(sending.closed || quiet.closed).toBe(false);
    sending.received = "";
    sending.socket.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => sending.received.endsWith("fast"));
    expect(sending.received).toMatch(/^HTTP\/1\.1 200/);
    expect(sending.received).toMatch(/Connection: close/i);
    await until(() => sending.closed);
    expect(drained).toBe(false);
    // The quiet one closes at its keep-alive timeout, and the drain ends.
    await drain;
    await until(() => quiet.closed);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("answers a request whose connection was accepted just before the drain but had sent nothing yet", async () => {
    const s = await startServer();
    open = s.server;
    const accepted = new Promise<void>((resolve) => s.server.once("connection", () => resolve()));
    const socket = connect(s.port, "127.0.0.1");
    let received = "";
    socket.on("data", (c: Buffer) => (received += c.toString()));
    await accepted;
    const drained = s.requests.drain();
    // The balancer's request arrives after the drain began: answered, not dropped.
    await new Promise((r) => setTimeout(r, 50));
    socket.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    await drained;
    await until(() => received.endsWith("fast"));
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received).toMatch(/Connection: close/i);
  });
});

describe("the shutdown sequence", () => {
  it("waits for requests and jobs, closes resources after them, logs a start and an end line, and exits 0", async () => {
    const s = await startServer();
    open = s.server;
    const slow = get(s.port, "/slow");
    await until(() => s.slowCount() === 1);
    const order: string[] = [];
    const lines: string[] = [];
    let finishJob = () => {};
    const exited = new Promise<number>((resolve) => {
      void shutDownGracefully({
        signal: "SIGTERM",
        deadlineMs: 5000,
        requests: s.requests,
        stopJobs: () => new Promise<void>((r) => (finishJob = () => (order.push("jobs"), r()))),
        runningJobs: () => ["send_email #1 (5 ms)"],
        closeResources: async () => void order.push("resources"),
        log: (line) => lines.push(line),
        exit: resolve,
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    s.finishSlow();
    await slow;
    order.push("requests");
    finishJob();
    expect(await exited).toBe(0);
    expect(order).toEqual(["requests", "jobs", "resources"]);
    expect(lines[0]).toBe("SIGTERM: shutting down — 1 request(s) in flight, 1 job(s) running; deadline 5.0 s");
    expect(lines[1]).toMatch(/^SIGTERM: shut down in \d+\.\d s \(requests finished in \d+\.\d s, jobs in \d+\.\d s\)$/);
  });

  it("past the deadline, names the request still running and exits 1", async () => {
    const s = await startServer();
    open = s.server;
    void get(s.port, "/slow").catch(() => {});
    await until(() => s.slowCount() === 1);
    const lines: string[] = [];
    const code = await new Promise<number>((resolve) => {
      void shutDownGracefully({
        signal: "SIGTERM",
        deadlineMs: 300,
        requests: s.requests,
        stopJobs: async () => {},
        runningJobs: () => [],
        closeResources: async () => {},
        log: (line) => lines.push(line),
        exit: resolve,
      });
    });
    expect(code).toBe(1);
    expect(lines[1]).toMatch(/deadline of 0\.3 s passed while waiting for requests and jobs.*Requests in flight: GET \/slow \(\d+ ms\)\. Jobs running: none\./);
    s.finishSlow();
  });
});
