import type { ToastMessage } from "~/utils/toast.server";
import { Alert } from "./ui/alert";

/** The notice a redirect left in the toast cookie, announced politely (role=status) at the top of the page. */
export function Toast({ toast }: { toast: ToastMessage | null }) {
  if (!toast) return null;
  return (
    <div className="mx-auto max-w-6xl px-4 pt-4" data-testid="toast">
      <Alert tone={toast.tone}>{toast.text}</Alert>
    </div>
  );
}
