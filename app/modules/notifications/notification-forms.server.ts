// Actions import form schemas from here, so zod stays out of the pages' JavaScript (ADR 0021).
export { CONTACT_ROLE_LABELS, NOTIFICATION_KIND_LABELS, contactRoleForm, notificationPreferencesForm, preferencesFromForm } from "./notification-forms";
