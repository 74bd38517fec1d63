import { Form } from "@remix-run/react";
import { Button } from "~/components/ui/button";

/** Deleting is final, so it takes a second click, and says what is kept. Works without JavaScript. */
export function DeleteEndpointForm({ busy }: { busy: boolean }) {
  return (
    <details className="w-full">
      <summary className="inline-flex min-h-11 cursor-pointer items-center text-sm font-medium text-red-800 underline underline-offset-2">Delete endpoint…</summary>
      <Form method="post" className="mt-2 space-y-2 rounded-md bg-red-50 p-3 ring-1 ring-red-200">
        <p className="text-sm text-slate-800">
          Nothing more is delivered to it, and it cannot be turned back on. Its delivery log is kept for audit. To pause deliveries instead, disable it.
        </p>
        <input type="hidden" name="intent" value="delete" />
        <Button type="submit" className="bg-red-700 text-white hover:bg-red-800" disabled={busy}>
          Delete this endpoint
        </Button>
      </Form>
    </details>
  );
}
