/**
 * What the HTTP process (server.ts) takes from the built app besides its routes: the job
 * worker, the Stripe intake, the pool's shutdown, the probes (/healthz, /readyz, /metrics), the
 * edge's size limits, the logger and the development clock. Re-exported by entry.server.tsx, so server.ts reaches them
 * through the same build the routes run from: one instance of each module per process (drain
 * flags, Stripe client, pool, clock, configuration), not a second copy loaded from the sources.
 * See docs/decisions/0028-one-module-graph.md.
 */
export { closeDb } from "~/db.server";
export { startWorker } from "~/modules/jobs/worker.server";
export { MAX_CSV_BYTES } from "~/modules/ingest/csv-import.server";
export { receiveStripeWebhook } from "~/modules/payments/receive-stripe-webhook.server";
export { UPLOAD_BODY_LIMIT } from "~/modules/storage/read-upload-form.server";
export { stripeCheckoutOrigin } from "~/modules/stripe/client.server";
export { clockOverride, setClock } from "~/utils/clock";
export { logger } from "~/utils/log.server";
export { labelRoute, observeRequest, withRouteIds } from "~/modules/ops/http-metrics.server";
export { answerMetrics, metricsText } from "~/modules/ops/metrics.server";
export { answerHealth, answerReadiness, isDraining, setDraining } from "~/modules/ops/readiness.server";
