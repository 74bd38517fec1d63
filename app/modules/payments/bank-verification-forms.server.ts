/** The schema of bank-verification-forms.ts for the routes' actions (keeps zod out of the pages' JavaScript). */
export { verifyBankAccountSchema } from "./bank-verification-forms";
