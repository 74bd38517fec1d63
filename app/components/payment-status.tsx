import type { ChargebackState, PaymentStatus } from "#db/schema/payments";
import { PAYMENT_BADGE_LABELS, paymentBadge, type PaymentBadge } from "~/modules/payments/payment-states";

const styles: Record<PaymentBadge, string> = {
  pending: "bg-slate-200 text-slate-900",
  processing: "bg-amber-100 text-amber-900",
  succeeded: "bg-green-100 text-green-900",
  failed: "bg-red-100 text-red-900",
  canceled: "bg-slate-200 text-slate-800",
  refunded: "bg-purple-100 text-purple-900",
  partially_refunded: "bg-purple-100 text-purple-900",
  disputed: "bg-orange-100 text-orange-900",
  charged_back: "bg-red-100 text-red-900",
};

/** A payment's state as people say it (which state and its words: `paymentBadge` in payment-states.ts). */
export function PaymentStatusBadge({ status, amount, amountRefunded, chargebackState = null }: { status: PaymentStatus; amount: number; amountRefunded: number; chargebackState?: ChargebackState | null }) {
  const badge = paymentBadge({ status, amount, amountRefunded, chargebackState });
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${styles[badge]}`}>{PAYMENT_BADGE_LABELS[badge]}</span>;
}
