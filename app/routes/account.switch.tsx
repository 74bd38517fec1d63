import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePayer, switchActiveAccount } from "~/modules/auth/session.server";
import { formValues } from "~/utils/request.server";

const switchForm = z.object({
  accountId: z.string().min(1).max(40),
  // Only our own paths: never an open redirect.
  returnTo: z
    .string()
    .regex(/^\/(?!\/)[\w\-/]*$/)
    .catch("/invoices"),
});

export const loader = () => redirect("/invoices");

export async function action({ request }: ActionFunctionArgs) {
  const payer = await requirePayer(request);
  const parsed = switchForm.safeParse(await formValues(request));
  if (!parsed.success || !(await switchActiveAccount(payer, parsed.data.accountId))) {
    throw new Response("Not found", { status: 404 });
  }
  return redirect(parsed.data.returnTo);
}
