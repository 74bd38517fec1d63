import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  // Staff start where their work is: the dispute triage queue, not the customer directory.
  return redirect("/admin/disputes");
}

// A component makes this a UI route (not a resource route), so a payer's 404 here renders the
// portal's "Page not found" page instead of a bare "Not found" text response.
export default function AdminIndex() {
  return null;
}
