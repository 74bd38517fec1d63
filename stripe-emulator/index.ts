/**
 * A local, stateful Stripe emulator for development and tests: the portal talks to it through
 * the unmodified `stripe` SDK, browsers use its hosted Checkout page, and it delivers signed
 * webhooks. See README.md for what it supports.
 */
import type { AddressInfo } from "node:net";
import { createEmulatorServer } from "./server";

export { computeSignature, signatureHeader } from "./webhooks";

export interface EmulatorOptions {
  /** 0 = a random free port. */
  port: number;
  /** Interface to listen on; default "127.0.0.1". */
  host?: string;
  /** Base URL browsers use for the hosted pages; default `http://localhost:${port}`. */
  publicUrl?: string;
  /** Where events are POSTed (signed); none = events are only stored. */
  webhookUrl?: string;
  /** "whsec_…": the key of the Stripe-Signature HMAC. */
  webhookSecret: string;
  /** ACH debits (and ACH refunds) settle after this long; default 5000; 0 or less = only via POST /_emulator/settle. */
  achSettleDelayMs?: number;
  /** Waits before each retry of a failed delivery; default [1000, 5000, 15000, 60000]. */
  webhookRetryDelaysMs?: number[];
  /** JSON file holding the state across restarts (loaded at start, saved shortly after changes). */
  stateFile?: string;
  /** How long after a disputed payment (4000000000000259, 000555555559) the dispute opens; default 1000. */
  disputeDelayMs?: number;
  /** Name shown on the hosted pages and in the ACH mandate; default "Test merchant". */
  merchantName?: string;
  log?: (line: string) => void;
}

export interface RunningEmulator {
  /** Base URL of the API (`STRIPE_API_BASE` for the portal), e.g. http://127.0.0.1:12111. */
  url: string;
  publicUrl: string;
  port: number;
  stop(): Promise<void>;
}

export async function startStripeEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  if (!options.webhookSecret?.startsWith("whsec_")) throw new Error("webhookSecret must be a signing secret starting with whsec_");
  const host = options.host ?? "127.0.0.1";
  // The public URL depends on the port, which is only known after listening when port is 0.
  const core = {
    publicUrl: options.publicUrl ?? "",
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookSecret,
    achSettleDelayMs: options.achSettleDelayMs ?? 5000,
    webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? [1000, 5000, 15000, 60000],
    disputeDelayMs: options.disputeDelayMs ?? 1000,
    stateFile: options.stateFile,
    merchantName: options.merchantName ?? "Test merchant",
    log: options.log ?? (() => {}),
  };
  const { server, emulator } = createEmulatorServer(core);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, "");
  core.publicUrl = publicUrl;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  core.log(`Stripe emulator listening on ${url} (hosted pages at ${publicUrl})`);
  let stopped: Promise<void> | undefined;
  return {
    url,
    publicUrl,
    port,
    stop: () => {
      stopped ??= (async () => {
        await emulator.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopped;
    },
  };
}
