/**
 * The schemas of payment-forms.ts for the routes' actions. A route imports them from here
 * because a `.server` module is left out of the browser build: importing the pure file, even
 * only in the action, keeps zod in the page's JavaScript (about 100 kB gzip on the payer pages,
 * which stay under 100 kB in total). A page that validates on the client imports payment-forms.ts.
 */
export { cancelAndRestartSchema, cancelPaymentSchema, payFormSchema, refundFormSchema } from "./payment-forms";
