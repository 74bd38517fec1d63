import { forwardRef } from "react";

/** The problems the server found with the enrol form, each a link to its field (focused on arrival). */
export const EnrolProblemSummary = forwardRef<HTMLDivElement, { title: string; items: Array<{ href: string; text: string }> }>(function EnrolProblemSummary({ title, items }, ref) {
  if (items.length === 0) return null;
  return (
    <div ref={ref} tabIndex={-1} role="alert" aria-labelledby="problem-summary-title" className="rounded-md border border-red-300 bg-red-50 p-4 text-red-950">
      <p id="problem-summary-title" className="font-semibold">
        {title}
      </p>
      <ul className="mt-1 list-disc pl-5">
        {items.map((item) => (
          <li key={item.href + item.text}>
            <a href={item.href} className="underline">
              {item.text}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
});
