import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "~/modules/auth/sign-in.server";
import { clientOf } from "~/utils/request.server";

// Signing out changes state, so it is a POST; a GET just goes home.
export const loader = () => redirect("/");

export async function action({ request, context }: ActionFunctionArgs) {
  const setCookie = await signOut(request, clientOf(request, context).ip);
  return redirect("/login?signedOut=1", { headers: { "Set-Cookie": setCookie } });
}
