/**
 * The collections schemas for the routes' actions: a `.server` module stays out of the browser
 * build, so the pages do not carry zod (see disputes/dispute-forms.server.ts).
 */
export { accountCollectionsForm, payerPromiseForm } from "./collections-forms";
