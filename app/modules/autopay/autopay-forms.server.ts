export { autopayForm } from "./autopay-forms";
