import type { ActionFunctionArgs } from "@remix-run/node";
import { requireStaffActor } from "~/modules/auth/session.server";
import { revokePayLinkSchema } from "~/modules/collections/pay-link-forms.server";
import { revokePayLink } from "~/modules/collections/revoke-pay-link.server";
import { parseForm } from "~/utils/form.server";
import { invalid, isProblem } from "~/utils/problem";
import { orThrow, problemJson } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * POST /admin/pay-links/:payLinkId/revoke — the Revoke button of the customer page's pay links
 * panel (app/components/collections/pay-links-panel.tsx): back to the customer with a notice.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const submission = await parseForm(request, revokePayLinkSchema());
  if (submission.status !== "success") return problemJson(invalid("Use the Revoke button to revoke a pay link."));
  const revoked = await revokePayLink(actor, { payLinkId: params.payLinkId ?? "" });
  if (isProblem(revoked) && revoked.kind === "not_found") orThrow(revoked);
  if (isProblem(revoked)) return problemJson(revoked);
  return redirectWithToast(`/admin/customers/${revoked.accountId}`, "The pay link was revoked: it no longer opens or pays anything.");
}
