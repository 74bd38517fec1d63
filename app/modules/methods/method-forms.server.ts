/** The saved methods page's form schema as its action imports it (keeps zod out of the page's JavaScript). */
export { savedMethodActionForm } from "./method-forms";
