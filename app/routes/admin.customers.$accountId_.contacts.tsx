import { type ActionFunctionArgs } from "@remix-run/node";
import { requireStaffActor } from "~/modules/auth/session.server";
import { contactRemindersForm } from "~/modules/collections/contact-forms.server";
import { setContactReminders } from "~/modules/collections/set-contact-reminders.server";
import { REMINDER_ROLE_LABELS } from "~/modules/collections/contact-forms";
import { CONTACT_ROLE_LABELS, contactRoleForm } from "~/modules/notifications/notification-forms.server";
import { setContactRole } from "~/modules/notifications/set-contact-role.server";
import { parseFormData } from "~/utils/form.server";
import { readForm } from "~/utils/read-form.server";
import { problemJson } from "~/utils/problem-response.server";
import { isProblem, invalid } from "~/utils/problem";
import { redirectWithToast } from "~/utils/toast.server";

/** POST only: sets a contact's role (`intent=role`) or place on reminder emails (the selects on the customer page). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const accountId = params.accountId ?? "";
  const form = await readForm(request);
  const page = `/admin/customers/${accountId}#contacts`;
  if (form.get("intent") === "role") {
    const submission = parseFormData(form, contactRoleForm);
    if (submission.status !== "success") return problemJson(invalid(Object.values(submission.error ?? {}).flat()[0] ?? "Choose Billing, Approver or Other."));
    const result = await setContactRole(actor, { accountId, userId: submission.value.userId, role: submission.value.role });
    if (isProblem(result)) return problemJson(result);
    return redirectWithToast(page, result.changed ? `Role of that contact: ${CONTACT_ROLE_LABELS[result.role]}.` : "Nothing to save: that contact already had this role.");
  }
  const submission = parseFormData(form, contactRemindersForm);
  if (submission.status !== "success") {
    const message = Object.values(submission.error ?? {}).flat()[0] ?? "Choose To, CC or None.";
    return problemJson(invalid(message));
  }
  const result = await setContactReminders(actor, { accountId, ...submission.value });
  if (isProblem(result)) return problemJson(result);
  return redirectWithToast(page, `Reminders for that contact: ${REMINDER_ROLE_LABELS[result.reminders]}.`);
}
