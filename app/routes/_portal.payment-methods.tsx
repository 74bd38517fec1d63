import type { SubmissionResult } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SavedMethodCard } from "~/components/methods/saved-method-card";
import { Alert } from "~/components/ui/alert";
import { requirePayerActor } from "~/modules/auth/session.server";
import { listMethods } from "~/modules/methods/list-methods.server";
import { makeDefaultMethod } from "~/modules/methods/make-default-method.server";
import { savedMethodActionForm } from "~/modules/methods/method-forms.server";
import { removeMethod } from "~/modules/methods/remove-method.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Payment methods · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  return json({ methods: orThrow(await listMethods(actor, { accountId: payer.activeAccount.id })) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const submission = await parseForm(request, savedMethodActionForm);
  if (submission.status !== "success") return invalidReply(submission);
  const input = { accountId: payer.activeAccount.id, methodId: submission.value.methodId };
  if (submission.value.intent === "make_default") {
    const made = await makeDefaultMethod(actor, input);
    return isProblem(made) ? replyWithProblem(submission, made) : redirectWithToast("/payment-methods", `${made.label} is now your default payment method.`);
  }
  const removed = await removeMethod(actor, input);
  return isProblem(removed) ? replyWithProblem(submission, removed) : redirectWithToast("/payment-methods", `${removed.label} was removed.`);
}

export default function PaymentMethodsPage() {
  const { methods } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const busy = useNavigation().state !== "idle";
  const errorMethod = typeof result?.initialValue?.methodId === "string" ? result.initialValue.methodId : null;
  const messages = result?.error ? Object.values(result.error).flatMap((m) => m ?? []) : [];
  const shownWithMethod = errorMethod !== null && methods.some((m) => m.id === errorMethod);
  return (
    <>
      <h1 className="text-2xl font-semibold">Payment methods</h1>
      <p className="mt-1 text-slate-700">Cards and bank accounts you saved when paying or setting up a payment plan. The default is offered first for autopay and new plans.</p>
      {messages.length > 0 && !shownWithMethod ? (
        <div className="mt-4">
          <Alert tone="error">{messages.join(" ")}</Alert>
        </div>
      ) : null}
      {methods.length === 0 ? (
        <p className="mt-6 text-slate-700">No saved payment methods. Tick “Save the card or bank account I enter” when you pay, or set up a payment plan, to keep one here.</p>
      ) : (
        <ul className="mt-6 grid gap-4">
          {methods.map((method) => (
            <SavedMethodCard key={method.id} method={method} busy={busy} error={method.id === errorMethod && messages.length > 0 ? messages.join(" ") : undefined} />
          ))}
        </ul>
      )}
    </>
  );
}
