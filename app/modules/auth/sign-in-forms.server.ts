/**
 * The schemas of sign-in-forms.ts for the routes' actions and loaders: a `.server` module is left
 * out of the browser build, so the sign-in pages do not carry zod (see payments/payment-forms.server.ts).
 */
export { codeForm, emailSchema, linkForm, requestLinkForm, returnToPath, switchAccountForm } from "./sign-in-forms";
