// Actions import form schemas from here, so zod stays out of the pages' JavaScript (ADR 0021).
export { applyCreditForm } from "./credit-forms";
