/**
 * The late-fee forms as the route actions import them: the schemas live in the pure
 * late-fee-forms.ts; routes import them through this `.server` module so zod stays out of the
 * pages' JavaScript.
 */
export { accountLateFeesForm, accountLateFeesFormValues, defaultLateFeePolicyForm, lateFeePolicyFormValues } from "./late-fee-forms";

import { z } from "zod";
import { accountCollectionsForm } from "~/modules/collections/collections-forms";
import { accountLateFeesForm } from "./late-fee-forms";

/** Every form of a customer's admin page: the collections section's and the late-fees section's, told apart by `intent`. */
export const customerPageForm = z.discriminatedUnion("intent", [...accountCollectionsForm.options, accountLateFeesForm], { error: "Choose what to do." });
