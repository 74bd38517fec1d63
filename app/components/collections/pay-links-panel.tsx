import { Form } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";
import { Button } from "~/components/ui/button";
import type { PayLinkRow, PayLinkStatus } from "~/modules/collections/list-pay-links.server";

const STATUS_LABELS: Record<PayLinkStatus, string> = { active: "Active", paid: "Paid", expired: "Expired", revoked: "Revoked" };
const STATUS_TONES: Record<PayLinkStatus, string> = {
  active: "bg-green-50 text-green-900 ring-green-300",
  paid: "bg-slate-50 text-slate-800 ring-slate-300",
  expired: "bg-slate-50 text-slate-800 ring-slate-300",
  revoked: "bg-red-50 text-red-900 ring-red-300",
};

/**
 * The account's recent pay links (the reminders' "pay without signing in" links) on the
 * customer page: created, invoices, expiry, opens, status, and a Revoke button for a link that
 * still works. Data: `listPayLinks(actor, { accountId })` (list-pay-links.server.ts).
 */
export function PayLinksPanel({ links }: { links: PayLinkRow[] }) {
  return (
    <section aria-labelledby="pay-links-heading" className="mt-6">
      <h2 id="pay-links-heading" className="text-lg font-semibold">
        Pay links
      </h2>
      {links.length === 0 ? (
        <p className="mt-2 text-slate-700">No pay link was sent to this customer yet.</p>
      ) : (
        <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="pay-links">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Created</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Invoices</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Expires</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Opens</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {links.map((link) => (
                <tr key={link.id} data-testid={`pay-link-${link.id}`}>
                  <td className="px-3 py-2">
                    <LocalTime iso={link.createdAt} dateOnly />
                  </td>
                  <td className="px-3 py-2">{link.invoices.map((i) => (i.paid ? `${i.number} (paid)` : i.number)).join(", ")}</td>
                  <td className="hidden px-3 py-2 sm:table-cell">
                    <LocalTime iso={link.expiresAt} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {link.openCount}
                    {link.lastOpenedAt ? (
                      <span className="block text-xs text-slate-600">
                        last <LocalTime iso={link.lastOpenedAt} />
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STATUS_TONES[link.status]}`}>{STATUS_LABELS[link.status]}</span>
                  </td>
                  <td className="px-3 py-2">
                    {link.status === "active" ? (
                      <Form method="post" action={`/admin/pay-links/${link.id}/revoke`}>
                        <Button type="submit" name="intent" value="revoke" variant="secondary" aria-label={`Revoke the pay link for ${link.invoices.map((i) => i.number).join(", ")}`}>
                          Revoke
                        </Button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
