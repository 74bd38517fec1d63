import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { isStaff } from "~/modules/auth/policy";
import { getSignedIn } from "~/modules/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const signedIn = await getSignedIn(request);
  if (!signedIn) return redirect("/login");
  return redirect(isStaff(signedIn.user.role) ? "/admin" : "/invoices");
}
