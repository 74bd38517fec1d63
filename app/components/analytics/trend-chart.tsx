export interface TrendChartPoint {
  asOf: string;
  dsoSimpleDays: number | null;
  dsoCountbackDays: number | null;
  ceiPercent: number | null;
}

const W = 360;
const LEFT = 34;
const RIGHT = 8;
const PANEL = 96;
const GAP = 34;
const TOP = 10;
const H = TOP + PANEL + GAP + PANEL + 22;

const monthLabel = (iso: string) => new Intl.DateTimeFormat("en-US", { month: "short", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));

/** A "nice" upper bound for an axis: 10, 20, 50, 100, 200… above the largest value. */
function niceMax(max: number): number {
  if (max <= 0) return 10;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

/** A line through the points; a missing value (null) breaks it. */
function path(values: Array<number | null>, x: (i: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    pen = true;
  });
  return d.trim();
}

/**
 * The 12-month trend, drawn on the server as SVG: DSO (simple, solid; countback, dashed) in days
 * on top, CEI in percent below. It scales to its box (viewBox, width 100%), so it fits a phone;
 * the numbers are in the table beside it for anyone who cannot see the lines.
 */
export function TrendChart({ points, label }: { points: TrendChartPoint[]; label: string }) {
  const n = points.length;
  const x = (i: number) => LEFT + (n <= 1 ? 0 : (i * (W - LEFT - RIGHT)) / (n - 1));
  const dsoMax = niceMax(Math.max(0, ...points.flatMap((p) => [p.dsoSimpleDays ?? 0, p.dsoCountbackDays ?? 0])));
  const dsoTop = TOP;
  const ceiTop = TOP + PANEL + GAP;
  const yDso = (v: number) => dsoTop + PANEL - (Math.max(0, v) / dsoMax) * PANEL;
  const yCei = (v: number) => ceiTop + PANEL - (Math.min(100, Math.max(0, v)) / 100) * PANEL;
  const grid = (top: number, max: number, unit: string) =>
    [0, 0.5, 1].map((f) => {
      const y = top + PANEL - f * PANEL;
      return (
        <g key={`${top}-${f}`}>
          <line x1={LEFT} x2={W - RIGHT} y1={y} y2={y} stroke="#cbd5e1" strokeWidth="0.75" />
          <text x={LEFT - 4} y={y + 3} textAnchor="end" fontSize="9" fill="#334155">
            {Math.round(f * max)}
            {unit}
          </text>
        </g>
      );
    });
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={label} className="block h-auto max-w-3xl" preserveAspectRatio="xMidYMid meet">
      <text x={LEFT} y={dsoTop - 2} fontSize="9" fill="#334155">
        DSO (days)
      </text>
      {grid(dsoTop, dsoMax, "")}
      <path d={path(points.map((p) => p.dsoSimpleDays), x, yDso)} fill="none" stroke="#1e40af" strokeWidth="2" />
      <path d={path(points.map((p) => p.dsoCountbackDays), x, yDso)} fill="none" stroke="#b45309" strokeWidth="2" strokeDasharray="5 3" />
      {points.map((p, i) =>
        p.dsoSimpleDays === null ? null : <circle key={`s${p.asOf}`} cx={x(i)} cy={yDso(p.dsoSimpleDays)} r="2.5" fill="#1e40af" />,
      )}
      <text x={LEFT} y={ceiTop - 4} fontSize="9" fill="#334155">
        CEI (%)
      </text>
      {grid(ceiTop, 100, "")}
      <path d={path(points.map((p) => p.ceiPercent), x, yCei)} fill="none" stroke="#047857" strokeWidth="2" />
      {points.map((p, i) => (p.ceiPercent === null ? null : <circle key={`c${p.asOf}`} cx={x(i)} cy={yCei(p.ceiPercent)} r="2.5" fill="#047857" />))}
      {points.map((p, i) => (
        <text key={`m${p.asOf}`} x={x(i)} y={H - 6} fontSize="8.5" textAnchor="middle" fill="#334155">
          {monthLabel(p.asOf)}
        </text>
      ))}
    </svg>
  );
}

/** The chart's legend (in HTML, so it wraps on a phone). */
export function TrendLegend() {
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700" aria-hidden="true">
      <li className="flex items-center gap-1">
        <svg width="24" height="8" aria-hidden="true">
          <line x1="0" x2="24" y1="4" y2="4" stroke="#1e40af" strokeWidth="2" />
        </svg>
        DSO simple
      </li>
      <li className="flex items-center gap-1">
        <svg width="24" height="8" aria-hidden="true">
          <line x1="0" x2="24" y1="4" y2="4" stroke="#b45309" strokeWidth="2" strokeDasharray="5 3" />
        </svg>
        DSO countback
      </li>
      <li className="flex items-center gap-1">
        <svg width="24" height="8" aria-hidden="true">
          <line x1="0" x2="24" y1="4" y2="4" stroke="#047857" strokeWidth="2" />
        </svg>
        CEI
      </li>
    </ul>
  );
}
