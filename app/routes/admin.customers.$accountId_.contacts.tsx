import { type ActionFunctionArgs } from "@remix-run/node";
import { requireStaffActor } from "~/modules/auth/session.server";
import { contactRemindersForm } from "~/modules/collections/contact-forms.server";
import { setContactReminders } from "~/modules/collections/set-contact-reminders.server";
import { REMINDER_ROLE_LABELS } from "~/modules/collections/contact-forms";
import { parseForm } from "~/utils/form.server";
import { problemJson } from "~/utils/problem-response.server";
import { isProblem, invalid } from "~/utils/problem";
import { redirectWithToast } from "~/utils/toast.server";

/** POST only: sets a contact's place on reminder emails (the select on the customer page). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const accountId = params.accountId ?? "";
  const submission = await parseForm(request, contactRemindersForm);
  if (submission.status !== "success") {
    const message = Object.values(submission.error ?? {}).flat()[0] ?? "Choose To, CC or None.";
    return problemJson(invalid(message));
  }
  const result = await setContactReminders(actor, { accountId, ...submission.value });
  if (isProblem(result)) return problemJson(result);
  return redirectWithToast(`/admin/customers/${accountId}`, `Reminders for that contact: ${REMINDER_ROLE_LABELS[result.reminders]}.`);
}
