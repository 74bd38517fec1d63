import { json, type LoaderFunctionArgs } from "@remix-run/node";
import type { z } from "zod";
import { getReceivablesMetrics } from "~/modules/analytics/get-receivables-metrics.server";
import { authenticateApiKey } from "~/modules/api/authenticate-api-key.server";
import { apiProblem, methodNotAllowed } from "~/modules/api/errors";
import type { ReceivablesMetrics } from "~/modules/api/schemas";
import { isProblem } from "~/utils/problem";

/**
 * GET /api/v1/metrics/receivables?as_of=YYYY-MM-DD&months=N&currency=USD[&customer=EXTERNAL_ID]
 * (scope metrics:read): AR, aging, DSO (simple, countback), best possible DSO, ADD and CEI, as
 * defined in docs/analytics.md. A malformed query is 400, an unknown customer 404.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await authenticateApiKey(request, "metrics:read");
  const figures = await getReceivablesMetrics(actor, Object.fromEntries(new URL(request.url).searchParams));
  if (isProblem(figures)) return apiProblem(figures, figures.kind === "invalid" ? { status: 400 } : {});

  const body: z.input<typeof ReceivablesMetrics> = {
    as_of: figures.asOf,
    months: figures.months,
    currency: figures.currency,
    period_start: figures.period.start,
    period_days: figures.period.days,
    credit_sales: figures.creditSales,
    ar_total: figures.arTotal,
    ar_current: figures.arCurrent,
    ar_beginning: figures.arBeginning,
    dso_simple_days: figures.dsoSimpleDays,
    dso_countback_days: figures.dsoCountbackDays,
    best_possible_dso_days: figures.bestPossibleDsoDays,
    add_days: figures.addDays,
    cei_percent: figures.ceiPercent,
    aging: figures.aging,
  };
  return json(body, { headers: { "Cache-Control": "no-store" } });
}

// POST, PUT, PATCH, DELETE would otherwise get the HTML app's error page.
export const action = () => methodNotAllowed("GET");
