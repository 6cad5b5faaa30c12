import { coord } from './number-format.js';

/** One line on a chart; `label` is HTML-safe already. */
export interface ChartSeries {
  key: 'baseline' | 'new';
  label: string;
  xs: readonly number[];
  ys: readonly number[];
  /** Per-point marker tooltips (HTML-safe); markers are drawn only when given. */
  markers?: readonly string[];
}

/** A straight reference line (chance, prevalence, perfect calibration) in data units. */
export interface ChartReference {
  label: string;
  from: [number, number];
  to: [number, number];
}

export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  reference: ChartReference;
}

const WIDTH = 400;
const LEFT = 54;
const RIGHT = 14;
const PLOT = WIDTH - LEFT - RIGHT;
const LEGEND_ROW = 19;
const BOTTOM = 46;
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const LEGEND_COLUMNS = 1;

/**
 * A unit-square line chart (both axes 0..1) as inline SVG: no script, styled by the page's CSS
 * classes, so it prints and scales with the page. Every series is one <path> whose points can be
 * counted, with `data-series` and `data-points` for checks.
 */
export function lineChart(spec: ChartSpec): string {
  const legendItems = [
    ...spec.series.map((s) => ({ cls: `series-${s.key}`, label: s.label })),
    { cls: 'reference', label: spec.reference.label },
  ];
  const legendRows = Math.ceil(legendItems.length / LEGEND_COLUMNS);
  const top = 12 + legendRows * LEGEND_ROW + 6;
  const height = top + PLOT + BOTTOM;
  const sx = (x: number): string => coord(LEFT + clamp(x) * PLOT);
  const sy = (y: number): string => coord(top + (1 - clamp(y)) * PLOT);

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" id="${spec.id}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${spec.id}-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${spec.id}-title">${spec.title}</title>`,
    `<defs><clipPath id="${spec.id}-clip"><rect x="${LEFT}" y="${top}" width="${PLOT}" height="${PLOT}"/></clipPath></defs>`,
    `<rect class="plot-bg" x="${LEFT}" y="${top}" width="${PLOT}" height="${PLOT}"/>`,
  );
  for (const t of TICKS) {
    const label = t === 0 || t === 1 ? t.toFixed(0) : t.toFixed(1);
    parts.push(
      `<line class="grid" x1="${sx(t)}" y1="${top}" x2="${sx(t)}" y2="${top + PLOT}"/>`,
      `<line class="grid" x1="${LEFT}" y1="${sy(t)}" x2="${LEFT + PLOT}" y2="${sy(t)}"/>`,
      `<text class="tick" x="${sx(t)}" y="${top + PLOT + 16}" text-anchor="middle">${label}</text>`,
      `<text class="tick" x="${LEFT - 8}" y="${coord(Number(sy(t)) + 4)}" text-anchor="end">${label}</text>`,
    );
  }
  parts.push(
    `<rect class="frame" x="${LEFT}" y="${top}" width="${PLOT}" height="${PLOT}"/>`,
    `<text class="axis-label" x="${LEFT + PLOT / 2}" y="${top + PLOT + 38}" text-anchor="middle">${spec.xLabel}</text>`,
    `<text class="axis-label" transform="translate(14 ${top + PLOT / 2}) rotate(-90)" text-anchor="middle">${spec.yLabel}</text>`,
  );
  const ref = spec.reference;
  parts.push(
    `<g clip-path="url(#${spec.id}-clip)">`,
    `<line class="reference" x1="${sx(ref.from[0])}" y1="${sy(ref.from[1])}" x2="${sx(ref.to[0])}" y2="${sy(ref.to[1])}"/>`,
  );
  for (const s of spec.series) {
    const points = Math.min(s.xs.length, s.ys.length);
    let d = '';
    for (let i = 0; i < points; i++) d += `${i === 0 ? 'M' : ' L'}${sx(s.xs[i] as number)},${sy(s.ys[i] as number)}`;
    parts.push(`<path class="series series-${s.key}" data-series="${spec.id}-${s.key}" data-points="${points}" d="${d}"/>`);
  }
  parts.push('</g>');
  for (const s of spec.series) {
    if (s.markers === undefined) continue;
    const points = Math.min(s.xs.length, s.ys.length, s.markers.length);
    parts.push(`<g class="markers markers-${s.key}">`);
    for (let i = 0; i < points; i++) {
      parts.push(`<circle cx="${sx(s.xs[i] as number)}" cy="${sy(s.ys[i] as number)}" r="3.6"><title>${s.markers[i] as string}</title></circle>`);
    }
    parts.push('</g>');
  }
  legendItems.forEach((item, i) => {
    const x = LEFT + (i % LEGEND_COLUMNS) * (PLOT / LEGEND_COLUMNS);
    const y = 12 + Math.floor(i / LEGEND_COLUMNS) * LEGEND_ROW;
    parts.push(
      `<line class="legend-swatch ${item.cls}" x1="${x}" y1="${y + 5}" x2="${x + 22}" y2="${y + 5}"/>`,
      `<text class="legend" x="${x + 28}" y="${y + 9}">${item.label}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
