/** Stripe's dashboard page of a dispute, where staff submit evidence or accept it (test mode has its own path). */
export function stripeDisputeUrl(stripeDisputeId: string, livemode: boolean): string {
  return `https://dashboard.stripe.com/${livemode ? "" : "test/"}disputes/${encodeURIComponent(stripeDisputeId)}`;
}

/** Stripe statuses after which nothing changes any more. */
export const CLOSED_DISPUTE_STATUSES: ReadonlySet<string> = new Set(["won", "lost", "warning_closed", "prevented"]);

/** The portal's three states: open until decided; an inquiry that closed or was prevented counts as won. */
export function chargebackStateOf(stripeStatus: string): "open" | "won" | "lost" {
  if (stripeStatus === "lost") return "lost";
  return CLOSED_DISPUTE_STATUSES.has(stripeStatus) ? "won" : "open";
}

/** How a dispute status reads on the staff page. */
export function describeDisputeStatus(stripeStatus: string): string {
  const labels: Record<string, string> = {
    warning_needs_response: "Inquiry: needs response",
    warning_under_review: "Inquiry: under review",
    warning_closed: "Inquiry closed",
    needs_response: "Needs response",
    under_review: "Evidence under review",
    appeal_needs_response: "Appeal: needs response",
    appeal_under_review: "Appeal under review",
    won: "Won",
    lost: "Lost",
    prevented: "Prevented",
  };
  return labels[stripeStatus] ?? stripeStatus.replace(/_/g, " ");
}
