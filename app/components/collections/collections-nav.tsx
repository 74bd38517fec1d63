import { NavLink } from "@remix-run/react";

const links = [
  { to: "/admin/collections", label: "Worklist", end: true },
  { to: "/admin/collections/cadences", label: "Cadences", end: false },
  { to: "/admin/collections/segments", label: "Segments", end: false },
  { to: "/admin/collections/late-fees", label: "Late fees", end: false },
  { to: "/admin/collections/settings", label: "Settings", end: false },
] as const;

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `inline-flex min-h-10 items-center rounded-md px-3 text-sm font-medium ${isActive ? "bg-slate-200 text-slate-950" : "text-brand-700 hover:bg-slate-100"}`;

/** The Collections area's own tabs (worklist, cadences, segments, rules), above each of its pages. */
export function CollectionsNav() {
  return (
    <nav aria-label="Collections" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200 pb-2">
      {links.map((link) => (
        <NavLink key={link.to} to={link.to} end={link.end} className={linkClass}>
          {link.label}
        </NavLink>
      ))}
    </nav>
  );
}
