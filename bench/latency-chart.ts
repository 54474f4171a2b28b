// Draws the latency distributions of every target as one SVG file (bench/results/latency.svg): two
// panels (one client in sequence; N clients at once), a cumulative curve per target with latency on
// a log-scale x axis and the percentile on a logit y axis (p1–p50 and p50–p99 get equal room, then
// p99–p99.9), so the median and the tail both show. Hand-written SVG on purpose: a few dozen lines of markup need
// no charting dependency, and the file stays readable and diffable.
import type { PercentilePoint } from './measure.js';

export interface ChartSeries {
  name: string;
  sequential: readonly PercentilePoint[];
  concurrent: readonly PercentilePoint[];
}

export interface ChartInput {
  title: string;
  subtitle: string;
  concurrency: number;
  series: readonly ChartSeries[];
}

/** One colour per target; toolgate's three counter backends share a hue family. */
const COLOURS: Record<string, string> = {
  direct: '#7f7f7f',
  toolgate: '#1f5fbf',
  'toolgate-memory': '#17becf',
  'toolgate-redis': '#9467bd',
  'toolgate-redis-no-leases': '#c5b0d5',
  supergateway: '#ff7f0e',
  'mcp-proxy': '#2ca02c',
};
const FALLBACK_COLOURS = ['#d62728', '#8c564b', '#e377c2', '#bcbd22'];

const WIDTH = 1000;
const LEGEND_TOP = 64;
const LEGEND_ROW = 18;
const HEIGHT = 520;
const PANEL_TOP = 110;
const PANEL_HEIGHT = 330;
const PANEL_WIDTH = 400;
const PANEL_LEFTS = [80, 560];
const Y_TICKS = [1, 10, 50, 90, 99, 99.9];
const LOGIT_LOW = logit(1);
const LOGIT_HIGH = logit(99.9);

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** log10(p / (100 - p)): -2 at p1, -0.95 at p10, 0 at p50, 0.95 at p90, 2 at p99, 3 at p99.9. */
function logit(p: number): number {
  const clamped = Math.min(99.9, Math.max(1, p));
  return Math.log10(clamped / (100 - clamped));
}

/** 1-2-5 steps covering [low, high], e.g. 0.1 0.2 0.5 1 2 5 10. */
function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(low)); decade <= Math.ceil(Math.log10(high)); decade++) {
    for (const step of [1, 2, 5]) {
      const value = step * 10 ** decade;
      if (value >= low * 0.999 && value <= high * 1.001) ticks.push(Number(value.toPrecision(3)));
    }
  }
  return ticks;
}

function tickLabel(value: number): string {
  return value >= 1 ? String(value) : value.toFixed(Math.max(0, -Math.floor(Math.log10(value))));
}

function colourOf(name: string, index: number): string {
  return COLOURS[name] ?? FALLBACK_COLOURS[index % FALLBACK_COLOURS.length]!;
}

function panel(left: number, heading: string, series: readonly ChartSeries[], pick: (s: ChartSeries) => readonly PercentilePoint[]): string[] {
  const points = series.flatMap((s) => pick(s)).map((point) => point.ms).filter((ms) => ms > 0);
  if (points.length === 0) return [`<text x="${left + PANEL_WIDTH / 2}" y="${PANEL_TOP + PANEL_HEIGHT / 2}" text-anchor="middle">no data</text>`];
  // Whole 1-2-5 steps around the data, so the axis starts and ends on a labelled tick.
  const low = 10 ** Math.floor(Math.log10(Math.min(...points)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...points)));
  const x = (ms: number): number => left + ((Math.log10(ms) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * PANEL_WIDTH;
  const y = (p: number): number => PANEL_TOP + PANEL_HEIGHT - ((logit(p) - LOGIT_LOW) / (LOGIT_HIGH - LOGIT_LOW)) * PANEL_HEIGHT;
  const bottom = PANEL_TOP + PANEL_HEIGHT;
  const out = [
    `<text x="${left + PANEL_WIDTH / 2}" y="${PANEL_TOP - 12}" text-anchor="middle" font-weight="bold">${escapeXml(heading)}</text>`,
    `<rect x="${left}" y="${PANEL_TOP}" width="${PANEL_WIDTH}" height="${PANEL_HEIGHT}" fill="none" stroke="#999"/>`,
  ];
  for (const tick of logTicks(low, high)) {
    const tx = x(tick).toFixed(1);
    out.push(`<line x1="${tx}" y1="${PANEL_TOP}" x2="${tx}" y2="${bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${tx}" y="${bottom + 16}" text-anchor="middle" font-size="11">${tickLabel(tick)}</text>`);
  }
  for (const tick of Y_TICKS) {
    const ty = y(tick).toFixed(1);
    out.push(`<line x1="${left}" y1="${ty}" x2="${left + PANEL_WIDTH}" y2="${ty}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle" font-size="11">p${tick}</text>`);
  }
  series.forEach((s, index) => {
    const path = pick(s).filter((point) => point.ms > 0).map((point, i) => `${i === 0 ? 'M' : 'L'}${x(point.ms).toFixed(1)},${y(point.p).toFixed(1)}`);
    if (path.length === 0) return;
    const width = s.name === 'toolgate' ? 2.5 : 1.5;
    out.push(`<path d="${path.join(' ')}" fill="none" stroke="${colourOf(s.name, index)}" stroke-width="${width}"><title>${escapeXml(s.name)}</title></path>`);
  });
  out.push(`<text x="${left + PANEL_WIDTH / 2}" y="${bottom + 36}" text-anchor="middle" font-size="12">latency per tools/call, ms (log scale)</text>`);
  return out;
}

/** Legend entries in rows, each as wide as its name (about 7 px a character at 12 px). */
function legend(series: readonly ChartSeries[]): string[] {
  const out: string[] = [];
  let lx = 80;
  let ly = LEGEND_TOP;
  series.forEach((s, index) => {
    const width = 30 + s.name.length * 7 + 18;
    if (lx + width > WIDTH - 20 && lx > 80) {
      lx = 80;
      ly += LEGEND_ROW;
    }
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colourOf(s.name, index)}" stroke-width="${s.name === 'toolgate' ? 3 : 2}"/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle" font-size="12">${escapeXml(s.name)}</text>`);
    lx += width;
  });
  return out;
}

export function latencyChartSvg(input: ChartInput): string {
  const yLabelX = 22;
  const yLabelY = PANEL_TOP + PANEL_HEIGHT / 2;
  const body = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`,
    `<text x="${WIDTH / 2}" y="46" text-anchor="middle" font-size="12" fill="#444">${escapeXml(input.subtitle)}</text>`,
    ...legend(input.series),
    `<text x="${yLabelX}" y="${yLabelY}" text-anchor="middle" font-size="12" transform="rotate(-90 ${yLabelX} ${yLabelY})">share of calls at or below that latency (percentile)</text>`,
    ...panel(PANEL_LEFTS[0]!, 'one client, calls in sequence', input.series, (s) => s.sequential),
    ...panel(PANEL_LEFTS[1]!, `${input.concurrency} clients at once`, input.series, (s) => s.concurrent),
    `<text x="${WIDTH / 2}" y="${HEIGHT - 12}" text-anchor="middle" font-size="11" fill="#666">Curves further left are faster; the upper part of each panel is the tail (p90 to p99.9), the middle line the median.</text>`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    ...body.map((line) => `  ${line}`),
    '</svg>',
    '',
  ].join('\n');
}
