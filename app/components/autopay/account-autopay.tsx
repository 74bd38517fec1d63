import { Link } from "@remix-run/react";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

interface AutopayView {
  account: { currency: string };
  enrollment: { status: string; methodLabel: string; maxCharge: number; timing: string; daysBefore: number; stoppedReason: string | null; authorization: { text: string; acceptedAt: string } } | null;
  charges: Array<{ id: string; chargeOn: string; amount: number; currency: string; status: string; attempts: number; lastFailureCode: string | null; lastFailureMessage: string | null; paymentId: string | null }>;
}

/** The AR team's read-only view of an account's autopay: its status, method, limit and every charge. */
export function AccountAutopay({ view }: { view: AutopayView }) {
  const { enrollment, charges } = view;
  return (
    <section aria-labelledby="autopay-heading" className="mt-6 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="autopay-heading" className="text-lg font-semibold">
        Autopay
      </h2>
      {enrollment ? (
        <p className="mt-1 text-sm" data-testid="admin-autopay-status">
          {enrollment.status === "active" ? "On" : "Paused"}: {enrollment.methodLabel}, up to {formatMoney(enrollment.maxCharge, view.account.currency)} per charge,{" "}
          {enrollment.timing === "days_before" ? `${enrollment.daysBefore} days before each due date` : "on each due date"}; authorized {formatDate(enrollment.authorization.acceptedAt.slice(0, 10))}.
          {enrollment.stoppedReason ? <span className="block text-red-800">Stopped: {enrollment.stoppedReason}</span> : null}
        </p>
      ) : (
        <p className="mt-1 text-sm text-slate-700">Not on autopay.</p>
      )}
      {charges.length > 0 ? (
        <div className="mt-2 overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead>
              <tr>
                <th scope="col" className="px-2 py-1 text-left font-semibold">Date</th>
                <th scope="col" className="px-2 py-1 text-right font-semibold">Amount</th>
                <th scope="col" className="px-2 py-1 text-left font-semibold">Status</th>
                <th scope="col" className="px-2 py-1 text-left font-semibold">Tries</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {charges.map((c) => (
                <tr key={c.id}>
                  <td className="px-2 py-1">{formatDate(c.chargeOn)}</td>
                  <td className="px-2 py-1 text-right tabular-nums">{formatMoney(c.amount, c.currency)}</td>
                  <td className="px-2 py-1">
                    {c.status.replace("_", " ")}
                    {c.lastFailureCode ? ` (${c.lastFailureCode})` : ""}
                    {c.paymentId ? (
                      <Link to={`/admin/payments/${c.paymentId}`} className="ml-1 text-brand-700 underline">
                        payment
                      </Link>
                    ) : null}
                  </td>
                  <td className="px-2 py-1">{c.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
