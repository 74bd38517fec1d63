/**
 * Runs the emulator on its own:
 *   npx tsx stripe-emulator/cli.ts --port 12111 --webhook-url http://localhost:3000/webhooks/stripe --webhook-secret whsec_xxx
 */
import { parseArgs } from "node:util";
import { startStripeEmulator } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "12111" },
    host: { type: "string", default: "127.0.0.1" },
    "public-url": { type: "string" },
    "webhook-url": { type: "string" },
    "webhook-secret": { type: "string", default: "whsec_emulator_secret" },
    "ach-settle-ms": { type: "string", default: "5000" },
    "retry-delays-ms": { type: "string", default: "1000,5000,15000,60000" },
    "dispute-delay-ms": { type: "string", default: "1000" },
    webhooks: { type: "string" },
    "webhook-seed": { type: "string" },
    "webhook-max-delay-ms": { type: "string" },
    "webhook-duplicate-rate": { type: "string" },
    "webhook-twin-rate": { type: "string" },
    "state-file": { type: "string" },
    "merchant-name": { type: "string" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`Stripe emulator
  --port <n>               port to listen on (default 12111; 0 = random)
  --host <addr>            interface (default 127.0.0.1)
  --public-url <url>       base URL browsers use for hosted pages (default http://localhost:<port>)
  --webhook-url <url>      where signed events are POSTed (none = no delivery)
  --webhook-secret <s>     whsec_… signing secret (default whsec_emulator_secret)
  --ach-settle-ms <n>      ACH settles after n ms; 0 = only via POST /_emulator/settle (default 5000)
  --retry-delays-ms <list> webhook retry delays, comma separated (default 1000,5000,15000,60000)
  --dispute-delay-ms <n>   delay before test disputes open (default 1000)
  --webhooks <mode>        ordered (default) | chaos: late, out of order, some twice (or STRIPE_EMULATOR_WEBHOOKS)
  --webhook-seed <n>       chaos seed, to replay a run (or STRIPE_EMULATOR_WEBHOOK_SEED; default random, logged)
  --webhook-max-delay-ms <n>    chaos: longest delay of a first attempt (default 400)
  --webhook-duplicate-rate <r>  chaos: share of events sent twice, 0…1 (default 0.3)
  --webhook-twin-rate <r>       chaos: share of changes with a second event of its own id, 0…1 (default 0.1)
  --state-file <path>      keep state across restarts in this JSON file
  --merchant-name <name>   name on the hosted pages and ACH mandate
  --quiet                  no request log`);
  process.exit(0);
}

const emulator = await startStripeEmulator({
  port: Number(values.port),
  host: values.host,
  publicUrl: values["public-url"],
  webhookUrl: values["webhook-url"],
  webhookSecret: values["webhook-secret"]!,
  achSettleDelayMs: Number(values["ach-settle-ms"]),
  webhookRetryDelaysMs: values["retry-delays-ms"]!.split(",").filter(Boolean).map(Number),
  disputeDelayMs: Number(values["dispute-delay-ms"]),
  webhookDelivery: values.webhooks as "ordered" | "chaos" | undefined,
  webhookChaos: {
    ...(values["webhook-seed"] ? { seed: Number(values["webhook-seed"]) } : {}),
    ...(values["webhook-max-delay-ms"] ? { maxDelayMs: Number(values["webhook-max-delay-ms"]) } : {}),
    ...(values["webhook-duplicate-rate"] ? { duplicateRate: Number(values["webhook-duplicate-rate"]) } : {}),
    ...(values["webhook-twin-rate"] ? { twinRate: Number(values["webhook-twin-rate"]) } : {}),
  },
  stateFile: values["state-file"],
  merchantName: values["merchant-name"],
  log: values.quiet ? undefined : (line) => console.log(`[stripe-emulator] ${line}`),
});
console.log(`Stripe emulator on ${emulator.url} — hosted pages at ${emulator.publicUrl}; STRIPE_API_BASE=${emulator.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void emulator.stop().then(() => process.exit(0));
  });
}
