/**
 * A local, stateful Stripe emulator for development and tests: the portal talks to it through
 * the unmodified `stripe` SDK, browsers use its hosted Checkout page, and it delivers signed
 * webhooks. See README.md for what it supports.
 */
import type { AddressInfo } from "node:net";
import { createEmulatorServer } from "./server";
import type { ChaosOptions } from "./webhooks";

export { computeSignature, signatureHeader } from "./webhooks";
export type { ChaosOptions } from "./webhooks";

export type WebhookDelivery = "ordered" | "chaos";

/** Chaos defaults: events up to 400 ms late (so reordered within that window), 30% sent twice, 10% twinned. */
const CHAOS_DEFAULTS = { maxDelayMs: 400, duplicateRate: 0.3, twinRate: 0.1 };

/** The chaos settings for these options and environment, or undefined for ordered delivery. */
export function chaosSettings(options: Pick<EmulatorOptions, "webhookDelivery" | "webhookChaos">, env: Record<string, string | undefined> = process.env): ChaosOptions | undefined {
  const mode = options.webhookDelivery ?? (env.STRIPE_EMULATOR_WEBHOOKS || "ordered");
  if (mode !== "ordered" && mode !== "chaos") throw new Error(`webhook delivery must be "ordered" or "chaos", not ${JSON.stringify(mode)}`);
  if (mode === "ordered") return undefined;
  const envSeed = env.STRIPE_EMULATOR_WEBHOOK_SEED ? Number(env.STRIPE_EMULATOR_WEBHOOK_SEED) : undefined;
  const chaos: ChaosOptions = {
    ...CHAOS_DEFAULTS,
    ...options.webhookChaos,
    seed: options.webhookChaos?.seed ?? envSeed ?? Math.floor(Math.random() * 2 ** 31),
  };
  if (!Number.isInteger(chaos.seed)) throw new Error(`webhook chaos seed must be an integer, not ${String(chaos.seed)}`);
  const rate = (r: number) => r >= 0 && r <= 1;
  if (!(chaos.maxDelayMs >= 0) || !rate(chaos.duplicateRate) || !rate(chaos.twinRate)) throw new Error("webhook chaos needs maxDelayMs ≥ 0, and duplicateRate and twinRate within 0…1");
  return chaos;
}

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
  /**
   * "ordered" (default): each event once, in creation order, at once. "chaos": what Stripe is
   * allowed to do — late, out of order and some twice — from a seed (see `webhookChaos`).
   * Default: the STRIPE_EMULATOR_WEBHOOKS environment variable, else "ordered".
   */
  webhookDelivery?: WebhookDelivery;
  /** Tuning of "chaos" delivery; seed default: STRIPE_EMULATOR_WEBHOOK_SEED, else random (logged). */
  webhookChaos?: Partial<ChaosOptions>;
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
  /** The chaos settings in force (with the seed to reproduce a run), or null when ordered. */
  webhookChaos: ChaosOptions | null;
  stop(): Promise<void>;
}

export async function startStripeEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  if (!options.webhookSecret?.startsWith("whsec_")) throw new Error("webhookSecret must be a signing secret starting with whsec_");
  const host = options.host ?? "127.0.0.1";
  const webhookChaos = chaosSettings(options);
  // The public URL depends on the port, which is only known after listening when port is 0.
  const core = {
    publicUrl: options.publicUrl ?? "",
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookSecret,
    achSettleDelayMs: options.achSettleDelayMs ?? 5000,
    webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? [1000, 5000, 15000, 60000],
    webhookChaos,
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
  if (webhookChaos) core.log(`webhooks: chaos delivery, seed ${webhookChaos.seed} (up to ${webhookChaos.maxDelayMs} ms late, ${webhookChaos.duplicateRate * 100}% twice, ${webhookChaos.twinRate * 100}% twinned)`);
  let stopped: Promise<void> | undefined;
  return {
    url,
    publicUrl,
    port,
    webhookChaos: webhookChaos ?? null,
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
