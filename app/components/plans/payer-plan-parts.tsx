import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { Button } from "~/components/ui/button";
import { isInFlightInstallment } from "~/modules/plans/installment-states";
import type { PayerPlanIntent } from "~/modules/plans/plan-forms";
import { formatDate } from "~/utils/dates";

/** Pieces of the payer's plan page (app/routes/_portal.plans.$planId.tsx). */

/** Where the plan stands, in the payer's words, by its state. */
export function StatusText(props: {
  status: string;
  authorizedReturn: boolean;
  gaveUp: boolean;
  threshold: string | null;
  next: { date: string; amount: string; status: string; retryOn: string | null } | null;
  methodLabel: string | null;
  endedReason: string | null;
}) {
  const method = props.methodLabel ?? "your payment method";
  switch (props.status) {
    case "authorizing":
      return props.authorizedReturn ? (
        <p role="status">
          {props.gaveUp
            ? "We have not received your authorization yet. If you finished on Stripe's page, this page will update once it arrives; otherwise authorize again below."
            : "Confirming your authorization… this takes a few seconds."}
        </p>
      ) : (
        <p>Authorize a card or bank account to start the plan. Nothing is charged until you do.</p>
      );
    case "awaiting_approval":
      return (
        <p>
          Our team reviews plans above {props.threshold ?? "a set amount"}; nothing is charged until approved. We will email you once it is reviewed. Once approved, the
          installments follow the schedule below, charged to {method}.
        </p>
      );
    case "active":
      return (
        <p>
          {!props.next
            ? "Every installment has been charged."
            : props.next.status === "charging"
              ? `The installment of ${props.next.amount} due ${formatDate(props.next.date)} is being charged to ${method} now. This page updates by itself.`
              : isInFlightInstallment(props.next.status)
              ? `The next installment, ${props.next.amount}, is being paid.`
              : props.next.status === "failed"
                ? `The installment of ${props.next.amount} due ${formatDate(props.next.date)} is not paid yet.${props.next.retryOn ? ` We charge ${method} again on ${formatDate(props.next.retryOn)}.` : ""}`
                : `Next charge: ${props.next.amount} on ${formatDate(props.next.date)}, to ${method}.`}
        </p>
      );
    case "paused":
      return (
        <p>
          This plan is paused by our team: no installments are charged while it is paused. You can still pay installments yourself{props.next ? `; the next is ${props.next.amount}` : ""}.
        </p>
      );
    case "completed":
      return <p>Paid in full — thank you. Every installment has been paid.</p>;
    default:
      return (
        <p>
          {props.status === "declined"
            ? `Our team declined this plan.${props.endedReason ? ` ${props.endedReason}` : ""} `
            : props.status === "defaulted"
              ? `The plan ended because installments were not paid.${props.endedReason ? ` ${props.endedReason}` : ""} `
              : `${props.endedReason ?? "This plan was canceled."} `}
          Nothing more is charged on it; whatever is still owed is due on the invoices again.{" "}
          <Link to="/invoices" className="text-brand-700 underline">
            Pay the invoices
          </Link>
        </p>
      );
  }
}

export function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
    </div>
  );
}

export function ActionForm({
  intent,
  busy,
  pending,
  variant = "primary",
  className = "",
  pendingText = "Please wait…",
  hidden = {},
  children,
}: {
  intent: PayerPlanIntent;
  busy: boolean;
  pending: string | null;
  variant?: "primary" | "secondary";
  className?: string;
  /** The button's words while this form's submission is under way. */
  pendingText?: string;
  /** Hidden fields sent with the intent (the attempt id, the installment). */
  hidden?: Record<string, string | undefined>;
  children: ReactNode;
}) {
  return (
    <Form method="post" className={className}>
      {Object.entries(hidden).map(([name, value]) => (value === undefined ? null : <input key={name} type="hidden" name={name} value={value} />))}
      <Button type="submit" name="intent" value={intent} variant={variant} disabled={busy}>
        {pending === intent ? pendingText : children}
      </Button>
    </Form>
  );
}

/** Pays installments now: opens Checkout, so the button says so while it works. */
export function PayForm({ attemptId, installmentId, ...props }: { intent: "pay_next" | "pay_rest"; attemptId: string; installmentId?: string; busy: boolean; pending: string | null; variant?: "primary" | "secondary"; className?: string; children: ReactNode }) {
  return <ActionForm {...props} pendingText="Opening secure payment…" hidden={{ attemptId, installmentId }} />;
}
