/**
 * What the webhook routes' loaders and actions need from webhook-forms.ts and validation.ts: a
 * `.server` module is left out of the browser build, so the pages do not carry zod (see
 * payments/payment-forms.server.ts).
 */
export { addEndpointForm, endpointPageForm } from "./webhook-forms";
export { canManageWebhooks, ENDPOINT_NOT_FOUND } from "./validation";
