import type { ReactNode } from "react";

/** The centred card every sign-in page sits in. */
export function AuthShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <p className="text-sm font-semibold tracking-wide text-brand-700 uppercase">Payment portal</p>
      <h1 className="mt-2 text-2xl font-semibold">{title}</h1>
      <div className="mt-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</div>
    </main>
  );
}
