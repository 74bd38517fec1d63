import type { ReactNode } from "react";

type BrandMark = { companyName: string; logoUrl: string | null };

/** The name (and logo) of the company asking, atop the pages a signed-out visitor sees. */
export function CompanyMark({ brand }: { brand: BrandMark }) {
  return (
    <div className="flex items-center gap-3" data-testid="company">
      {brand.logoUrl ? <img src={brand.logoUrl} alt="" className="h-10 w-auto max-w-40 object-contain" /> : null}
      <p className="font-semibold text-slate-900">
        {brand.companyName}
        <span className="block text-sm font-normal text-slate-700">Payment portal</span>
      </p>
    </div>
  );
}

/** The centred card every sign-in page sits in, under the name (and logo) of the company asking. */
export function AuthShell({ title, brand, children }: { title: string; brand: BrandMark; children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <CompanyMark brand={brand} />
      <h1 className="mt-4 text-2xl font-semibold">{title}</h1>
      <div className="mt-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</div>
    </main>
  );
}
