/**
 * The schemas of dispute-forms.ts for the routes' actions: a `.server` module is left out of the
 * browser build, so the pages do not carry zod (see payments/payment-forms.server.ts).
 */
export { adminDisputeForm, openDisputeForm, payerDisputeForm } from "./dispute-forms";
