import { z } from "zod";
import { reminderRecipientRoles } from "#db/schema/collection-values";

/** Who a contact is on reminder emails: to (a billing contact), cc, or not at all. */
export const contactRemindersForm = z.object({
  userId: z.string({ error: "Choose a contact." }).trim().min(1, "Choose a contact.").max(64, "Choose a contact."),
  reminders: z.enum(reminderRecipientRoles, { error: "Choose To, CC or None." }),
});

export const REMINDER_ROLE_LABELS = { to: "To", cc: "CC", none: "None" } as const;
