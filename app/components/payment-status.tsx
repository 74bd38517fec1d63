import type { ChargebackState, PaymentStatus } from "#db/schema/payments";

const styles: Record<PaymentStatus | "refunded" | "partially_refunded" | "disputed" | "charged_back", { label: string; className: string }> = {
  pending: { label: "Awaiting payment", className: "bg-slate-200 text-slate-900" },
  processing: { label: "Processing", className: "bg-amber-100 text-amber-900" },
  succeeded: { label: "Paid", className: "bg-green-100 text-green-900" },
  failed: { label: "Failed", className: "bg-red-100 text-red-900" },
  canceled: { label: "Canceled", className: "bg-slate-200 text-slate-800" },
  refunded: { label: "Refunded", className: "bg-purple-100 text-purple-900" },
  partially_refunded: { label: "Partly refunded", className: "bg-purple-100 text-purple-900" },
  disputed: { label: "Disputed", className: "bg-orange-100 text-orange-900" },
  charged_back: { label: "Charged back", className: "bg-red-100 text-red-900" },
};

/**
 * A payment's state as people say it; refunds are derived from the refunded amount, and a
 * chargeback (open, or lost) outranks both. A won chargeback reads as paid again.
 */
export function PaymentStatusBadge({ status, amount, amountRefunded, chargebackState = null }: { status: PaymentStatus; amount: number; amountRefunded: number; chargebackState?: ChargebackState | null }) {
  const refundKey = amountRefunded > 0 ? (amountRefunded >= amount ? "refunded" : "partially_refunded") : status;
  const key = status !== "succeeded" ? status : chargebackState === "open" ? "disputed" : chargebackState === "lost" ? "charged_back" : refundKey;
  const s = styles[key];
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${s.className}`}>{s.label}</span>;
}
