/**
 * A bare node:http server in a process of its own (forked by bench/measure.ts), answering every
 * request with the bytes it was given and the page's Content-Type and Content-Encoding: the most
 * the load generator and this machine's HTTP can do for that response, with no portal behind it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

process.once("message", (message: { body: string; headers: Record<string, string> }) => {
  const body = Buffer.from(message.body, "base64");
  const headers = { ...message.headers, "content-length": String(body.length) };
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port }));
});
// The bench ends it by disconnecting (or exiting).
process.on("disconnect", () => process.exit(0));
