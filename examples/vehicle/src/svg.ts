/**
 * Hand-written SVG charts for the report: line charts (with shaded fault windows and reference
 * lines), a histogram, and a timeline. Pure string builders; no external assets, fonts or
 * scripts, so the HTML page is self-contained.
 */

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A colour-blind-friendly palette (Okabe–Ito) plus greys. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'] as const;

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmtTick(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

export type Point = readonly [number, number];

/**
 * Keeps at most ~`maxPoints` points by splitting x into buckets and keeping each bucket's first,
 * min, max and last point: spikes survive, file size stays bounded.
 */
export function decimate(points: readonly Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints) return [...points];
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const x0 = points[0]![0];
  const x1 = points[points.length - 1]![0];
  const width = (x1 - x0) / buckets || 1;
  const out: Point[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < points.length; b++) {
    const end = b === buckets - 1 ? Infinity : x0 + (b + 1) * width;
    const first = points[i]!;
    let min = first;
    let max = first;
    let last = first;
    while (i < points.length && points[i]![0] < end) {
      const p = points[i]!;
      if (p[1] < min[1]) min = p;
      if (p[1] > max[1]) max = p;
      last = p;
      i++;
    }
    const keep = [first, min, max, last].sort((a, c) => a[0] - c[0]);
    for (const p of keep) if (out[out.length - 1] !== p) out.push(p);
  }
  return out;
}

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly Point[];
  readonly dash?: string;
  readonly widthPx?: number;
  /** Draw dots instead of a line (for sparse or discrete data). */
  readonly dots?: boolean;
  /** Step (zero-order hold) rendering. */
  readonly step?: boolean;
  readonly opacity?: number;
}

export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly color: string;
}

export interface HLine {
  readonly y: number;
  readonly label: string;
  readonly color: string;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly widthPx?: number;
  readonly heightPx?: number;
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
  /** Shaded x-intervals (fault windows). */
  readonly bands?: readonly Band[];
  readonly hLines?: readonly HLine[];
  readonly maxPointsPerSeries?: number;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

interface Frame {
  readonly left: number;
  readonly top: number;
  readonly w: number;
  readonly h: number;
  readonly sx: (x: number) => number;
  readonly sy: (y: number) => number;
}

function axes(out: string[], f: Frame, xr: readonly [number, number], yr: readonly [number, number], xLabel: string, yLabel: string, H: number): void {
  const xt = niceTicks(xr[0], xr[1], 10);
  const yt = niceTicks(yr[0], yr[1], 6);
  const xs = xt.length > 1 ? xt[1]! - xt[0]! : 1;
  const ys = yt.length > 1 ? yt[1]! - yt[0]! : 1;
  out.push(`<g class="grid" stroke="#e3e3e3" stroke-width="1">`);
  for (const v of yt) if (v >= yr[0] && v <= yr[1]) out.push(`<line x1="${f.left}" x2="${f.left + f.w}" y1="${f.sy(v).toFixed(1)}" y2="${f.sy(v).toFixed(1)}"/>`);
  for (const v of xt) if (v >= xr[0] && v <= xr[1]) out.push(`<line y1="${f.top}" y2="${f.top + f.h}" x1="${f.sx(v).toFixed(1)}" x2="${f.sx(v).toFixed(1)}"/>`);
  out.push('</g>');
  out.push(`<rect x="${f.left}" y="${f.top}" width="${f.w}" height="${f.h}" fill="none" stroke="#888"/>`);
  out.push(`<g ${FONT} font-size="11" fill="#333">`);
  for (const v of yt) {
    if (v < yr[0] || v > yr[1]) continue;
    out.push(`<text x="${f.left - 6}" y="${(f.sy(v) + 4).toFixed(1)}" text-anchor="end">${fmtTick(v, ys)}</text>`);
  }
  for (const v of xt) {
    if (v < xr[0] || v > xr[1]) continue;
    out.push(`<text x="${f.sx(v).toFixed(1)}" y="${f.top + f.h + 15}" text-anchor="middle">${fmtTick(v, xs)}</text>`);
  }
  out.push(`<text x="${f.left + f.w / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${escapeXml(xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${f.top + f.h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(yLabel)}</text>`);
  out.push('</g>');
}

function legend(
  out: string[],
  items: readonly { name: string; color: string; dash?: string; dots?: boolean; box?: boolean; diamond?: boolean; tick?: boolean }[],
  x0: number,
  y: number,
  maxX: number,
): number {
  let x = x0;
  out.push(`<g ${FONT} font-size="11" fill="#222">`);
  for (const it of items) {
    const w = 26 + it.name.length * 6.2 + 14;
    if (x + w > maxX && x > x0) {
      x = x0;
      y += 16;
    }
    if (it.box) out.push(`<rect x="${x}" y="${y - 8}" width="18" height="10" fill="${it.color}"/>`);
    else if (it.diamond) out.push(`<path d="M${x + 9},${y - 9} l6,6 l-6,6 l-6,-6 z" fill="${it.color}"/>`);
    else if (it.tick) out.push(`<line x1="${x + 9}" x2="${x + 9}" y1="${y - 9}" y2="${y + 3}" stroke="${it.color}" stroke-width="2"/>`);
    else if (it.dots) out.push(`<circle cx="${x + 9}" cy="${y - 3}" r="3" fill="${it.color}"/>`);
    else out.push(`<line x1="${x}" x2="${x + 18}" y1="${y - 3}" y2="${y - 3}" stroke="${it.color}" stroke-width="2.5"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`);
    out.push(`<text x="${x + 23}" y="${y + 1}">${escapeXml(it.name)}</text>`);
    x += w;
  }
  out.push('</g>');
  return y;
}

/** A line chart as an `<svg>` element string. */
export function lineChart(o: LineChartOptions): string {
  const W = o.widthPx ?? 960;
  const H = o.heightPx ?? 300;
  const maxPts = o.maxPointsPerSeries ?? 1600;
  const series = o.series.map((s) => ({ ...s, points: decimate(s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])), maxPts) }));
  const all = series.flatMap((s) => s.points);
  const xr: readonly [number, number] = o.xRange ?? [Math.min(...all.map((p) => p[0]), 0), Math.max(...all.map((p) => p[0]), 1)];
  let yr: readonly [number, number];
  if (o.yRange) yr = o.yRange;
  else {
    const ys = [...all.map((p) => p[1]), ...(o.hLines ?? []).map((l) => l.y)];
    const lo = ys.length ? Math.min(...ys) : 0;
    const hi = ys.length ? Math.max(...ys) : 1;
    const pad = (hi - lo) * 0.06 || 0.5;
    const t = niceTicks(lo - pad, hi + pad, 6);
    yr = [Math.min(t[0]!, lo - pad), Math.max(t[t.length - 1]!, hi + pad)];
  }
  const out: string[] = [];
  const legendItems = [
    ...series.map((s) => ({ name: s.name, color: s.color, ...(s.dash !== undefined ? { dash: s.dash } : {}), ...(s.dots ? { dots: true } : {}) })),
    ...uniqueBy(o.hLines ?? [], (l) => l.label).map((l) => ({ name: l.label, color: l.color, dash: '6 4' })),
    ...uniqueBy(o.bands ?? [], (b) => b.label).map((b) => ({ name: b.label, color: b.color, box: true })),
  ];
  // Measure the legend height first (it may wrap).
  const tmp: string[] = [];
  const legendBottom = legend(tmp, legendItems, 70, 44, W - 10);
  const top = legendBottom + 12;
  const f: Frame = {
    left: 64,
    top,
    w: W - 64 - 16,
    h: H - top - 40,
    sx: (x) => 64 + ((x - xr[0]) / (xr[1] - xr[0] || 1)) * (W - 80),
    sy: (y) => top + (1 - (y - yr[0]) / (yr[1] - yr[0] || 1)) * (H - top - 40),
  };
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(o.title)}">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" ${FONT} font-size="15" font-weight="600" fill="#111">${escapeXml(o.title)}</text>`);
  out.push(...tmp);
  const clipId = `c${Math.abs(hashString(o.title)).toString(36)}`;
  out.push(`<defs><clipPath id="${clipId}"><rect x="${f.left}" y="${f.top}" width="${f.w}" height="${f.h}"/></clipPath></defs>`);
  for (const b of o.bands ?? []) {
    const x1 = f.sx(Math.max(b.from, xr[0]));
    const x2 = f.sx(Math.min(b.to, xr[1]));
    if (x2 > x1) out.push(`<rect x="${x1.toFixed(1)}" y="${f.top}" width="${(x2 - x1).toFixed(1)}" height="${f.h}" fill="${b.color}"><title>${escapeXml(b.label)}</title></rect>`);
  }
  axes(out, f, xr, yr, o.xLabel, o.yLabel, H);
  out.push(`<g clip-path="url(#${clipId})">`);
  for (const l of o.hLines ?? []) out.push(`<line x1="${f.left}" x2="${f.left + f.w}" y1="${f.sy(l.y).toFixed(1)}" y2="${f.sy(l.y).toFixed(1)}" stroke="${l.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  for (const s of series) {
    if (s.points.length === 0) continue;
    if (s.dots) {
      out.push(`<g fill="${s.color}" fill-opacity="${s.opacity ?? 0.8}">`);
      for (const p of s.points) out.push(`<circle cx="${f.sx(p[0]).toFixed(1)}" cy="${f.sy(p[1]).toFixed(1)}" r="1.8"/>`);
      out.push('</g>');
      continue;
    }
    let d = '';
    let prev: Point | undefined;
    for (const p of s.points) {
      const x = f.sx(p[0]).toFixed(1);
      const y = f.sy(p[1]).toFixed(1);
      if (prev === undefined) d += `M${x},${y}`;
      else if (s.step) d += `H${x}V${y}`;
      else d += `L${x},${y}`;
      prev = p;
    }
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.widthPx ?? 1.6}" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}${s.opacity !== undefined ? ` stroke-opacity="${s.opacity}"` : ''}><title>${escapeXml(s.name)}</title></path>`,
    );
  }
  out.push('</g></svg>');
  return out.join('\n');
}

function uniqueBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export interface HistogramOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly values: readonly number[];
  readonly bins?: number;
  readonly color?: string;
  readonly markers?: readonly { x: number; label: string; color: string }[];
  /** Values above this go into one overflow bar at the right (long tails would squash the body). */
  readonly clipAt?: number;
  readonly unit?: string;
  readonly widthPx?: number;
  readonly heightPx?: number;
}

/** A histogram as an `<svg>` string. */
export function histogram(o: HistogramOptions): string {
  const W = o.widthPx ?? 960;
  const H = o.heightPx ?? 280;
  const vals = o.values.filter((v) => Number.isFinite(v));
  if (vals.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} 60" width="${W}" height="60"><rect width="${W}" height="60" fill="#fff"/><text x="${W / 2}" y="35" text-anchor="middle" ${FONT} font-size="14" fill="#555">${escapeXml(o.title)}: no data in this run</text></svg>`;
  }
  const maxVal = Math.max(...vals);
  const clip = o.clipAt !== undefined && o.clipAt < maxVal ? o.clipAt : undefined;
  const overflow = clip === undefined ? 0 : vals.filter((v) => v > clip).length;
  let lo = Math.min(...vals);
  let hi = clip ?? maxVal;
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const ticks = niceTicks(lo, hi, o.bins ?? 40);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const start = Math.floor(lo / step) * step;
  const nBins = Math.max(1, Math.ceil((hi - start) / step + 1e-9));
  const counts = new Array<number>(nBins).fill(0);
  for (const v of vals) if (clip === undefined || v <= clip) counts[Math.min(nBins - 1, Math.floor((v - start) / step))]! += 1;
  if (overflow > 0) counts.push(overflow);
  const maxC = Math.max(...counts);
  const xr: [number, number] = [start, start + counts.length * step];
  const yt = niceTicks(0, maxC, 5);
  const yr: [number, number] = [0, Math.max(maxC * 1.05, yt[yt.length - 1]!)];
  const out: string[] = [];
  const tmp: string[] = [];
  const unit = o.unit ?? '';
  const legendItems = [
    { name: `${vals.length} ${o.yLabel}`, color: o.color ?? PALETTE[0], box: true },
    ...(overflow > 0 ? [{ name: `${overflow} above ${fmtTick(clip!, step)}${unit} (max ${fmtTick(maxVal, step)}${unit})`, color: '#8c8c8c', box: true }] : []),
    ...(o.markers ?? []).map((m) => ({ name: m.label, color: m.color, dash: '6 4' })),
  ];
  const legendBottom = legend(tmp, legendItems, 70, 44, W - 10);
  const top = legendBottom + 12;
  const f: Frame = {
    left: 64,
    top,
    w: W - 80,
    h: H - top - 40,
    sx: (x) => 64 + ((x - xr[0]) / (xr[1] - xr[0])) * (W - 80),
    sy: (y) => top + (1 - (y - yr[0]) / (yr[1] - yr[0] || 1)) * (H - top - 40),
  };
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(o.title)}">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" ${FONT} font-size="15" font-weight="600" fill="#111">${escapeXml(o.title)}</text>`);
  out.push(...tmp);
  axes(out, f, xr, yr, o.xLabel, o.yLabel, H);
  out.push(`<g fill="${o.color ?? PALETTE[0]}">`);
  counts.forEach((c, i) => {
    if (c === 0) return;
    const x1 = f.sx(start + i * step);
    const x2 = f.sx(start + (i + 1) * step);
    const y = f.sy(c);
    const isOverflow = overflow > 0 && i === counts.length - 1;
    const label = isOverflow ? `above ${fmtTick(clip!, step)}${unit}: ${c}` : `${fmtTick(start + i * step, step)}–${fmtTick(start + (i + 1) * step, step)}${unit}: ${c}`;
    out.push(
      `<rect x="${(x1 + 0.5).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0.5, x2 - x1 - 1).toFixed(1)}" height="${(f.top + f.h - y).toFixed(1)}"${isOverflow ? ' fill="#8c8c8c"' : ''}><title>${label}</title></rect>`,
    );
  });
  out.push('</g>');
  for (const m of o.markers ?? []) {
    const x = f.sx(m.x).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${f.top}" y2="${f.top + f.h}" stroke="${m.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

export interface TimelineRow {
  readonly label: string;
  /** Intervals (e.g. a fault active): [from, to). */
  readonly bars: readonly { from: number; to: number; color: string; label: string }[];
  /** Instants (e.g. suspected, deadline miss). */
  readonly marks: readonly { at: number; color: string; label: string; shape: 'diamond' | 'tick' }[];
}

export interface TimelineOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly xRange: readonly [number, number];
  readonly rows: readonly TimelineRow[];
  readonly legend: readonly { name: string; color: string; shape: 'bar' | 'diamond' | 'tick' }[];
  readonly widthPx?: number;
}

/** A timeline (rows of intervals and instants) as an `<svg>` string. */
export function timeline(o: TimelineOptions): string {
  const W = o.widthPx ?? 960;
  const rowH = 22;
  const labelW = 130;
  const tmp: string[] = [];
  const legendBottom = legend(
    tmp,
    o.legend.map((l) => ({ name: l.name, color: l.color, ...(l.shape === 'bar' ? { box: true } : l.shape === 'diamond' ? { diamond: true } : { tick: true }) })),
    labelW,
    44,
    W - 10,
  );
  const top = legendBottom + 12;
  const H = top + Math.max(1, o.rows.length) * rowH + 40;
  const xr = o.xRange;
  const sx = (x: number): number => labelW + ((x - xr[0]) / (xr[1] - xr[0] || 1)) * (W - labelW - 16);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(o.title)}">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" ${FONT} font-size="15" font-weight="600" fill="#111">${escapeXml(o.title)}</text>`);
  out.push(...tmp);
  const xt = niceTicks(xr[0], xr[1], 12);
  const step = xt.length > 1 ? xt[1]! - xt[0]! : 1;
  out.push(`<g stroke="#e3e3e3">`);
  for (const v of xt) out.push(`<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${top}" y2="${top + o.rows.length * rowH}"/>`);
  out.push('</g>');
  out.push(`<g ${FONT} font-size="11" fill="#333">`);
  for (const v of xt) out.push(`<text x="${sx(v).toFixed(1)}" y="${top + o.rows.length * rowH + 15}" text-anchor="middle">${fmtTick(v, step)}</text>`);
  out.push(`<text x="${(labelW + W) / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${escapeXml(o.xLabel)}</text>`);
  out.push('</g>');
  o.rows.forEach((r, i) => {
    const y = top + i * rowH;
    if (i % 2 === 0) out.push(`<rect x="${labelW}" y="${y}" width="${W - labelW - 16}" height="${rowH}" fill="#f6f6f6"/>`);
    out.push(`<text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" ${FONT} font-size="12" fill="#222">${escapeXml(r.label)}</text>`);
    for (const b of r.bars) {
      const x1 = sx(Math.max(b.from, xr[0]));
      const x2 = sx(Math.min(b.to, xr[1]));
      if (x2 >= x1) out.push(`<rect x="${x1.toFixed(1)}" y="${y + 4}" width="${Math.max(1, x2 - x1).toFixed(1)}" height="${rowH - 8}" fill="${b.color}" rx="2"><title>${escapeXml(b.label)}</title></rect>`);
    }
    for (const m of r.marks) {
      const x = sx(m.at);
      if (m.shape === 'tick') out.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${y + 3}" y2="${y + rowH - 3}" stroke="${m.color}" stroke-width="1"><title>${escapeXml(m.label)}</title></line>`);
      else out.push(`<path d="M${x.toFixed(1)},${y + 3} l6,${rowH / 2 - 3} l-6,${rowH / 2 - 3} l-6,-${rowH / 2 - 3} z" fill="${m.color}" stroke="#fff" stroke-width="1.5"><title>${escapeXml(m.label)}</title></path>`);
    }
  });
  out.push(`<rect x="${labelW}" y="${top}" width="${W - labelW - 16}" height="${o.rows.length * rowH}" fill="none" stroke="#888"/>`);
  out.push('</svg>');
  return out.join('\n');
}
