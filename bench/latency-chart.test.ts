// The SVG chart: well-formed, one curve per target in each panel in the target's colour, a legend
// entry per target, the machine in the title, escaped text, and a log-scale latency axis.
// Run: node --test dist/bench/latency-chart.test.js
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyChartSvg, type ChartInput } from './latency-chart.js';

const curve = (scale: number) => [1, 50, 90, 99, 99.9].map((p) => ({ p, ms: scale * (1 + p / 10) }));

const input: ChartInput = {
  title: 'toolgate benchmark — AMD EPYC <2 cores> & more',
  subtitle: 'Node v20',
  concurrency: 16,
  series: [
    { name: 'direct', sequential: curve(0.1), concurrent: curve(1) },
    { name: 'toolgate', sequential: curve(0.5), concurrent: curve(5) },
    { name: 'mcp-proxy', sequential: curve(1), concurrent: curve(6) },
  ],
};

function pathsOf(svg: string): Array<{ d: string; stroke: string; title: string }> {
  return [...svg.matchAll(/<path d="([^"]+)" fill="none" stroke="([^"]+)" stroke-width="[\d.]+"><title>([^<]+)<\/title><\/path>/g)].map((m) => ({ d: m[1]!, stroke: m[2]!, title: m[3]! }));
}

test('two panels with one curve per target each, in fixed colours, and a legend entry per target', () => {
  const svg = latencyChartSvg(input);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  const paths = pathsOf(svg);
  assert.deepEqual(paths.map((p) => p.title), ['direct', 'toolgate', 'mcp-proxy', 'direct', 'toolgate', 'mcp-proxy']);
  assert.equal(paths.find((p) => p.title === 'toolgate')?.stroke, '#1f5fbf');
  for (const path of paths) assert.equal(path.d.split(/[ML]/).filter(Boolean).length, 5, 'a point per percentile');
  for (const name of ['direct', 'toolgate', 'mcp-proxy']) assert.match(svg, new RegExp(`font-size="12">${name}</text>`));
  assert.match(svg, />16 clients at once</);
  assert.match(svg, /latency per tools\/call, ms \(log scale\)/);
});

test('title text is escaped, so a CPU name cannot break the file', () => {
  const svg = latencyChartSvg(input);
  assert.match(svg, /AMD EPYC &lt;2 cores&gt; &amp; more/);
  assert.doesNotMatch(svg, /<2 cores>/);
});

test('the latency axis is logarithmic: equal ratios are equal distances', () => {
  const svg = latencyChartSvg({ ...input, series: [{ name: 'direct', sequential: [{ p: 50, ms: 0.1 }, { p: 60, ms: 1 }, { p: 70, ms: 10 }], concurrent: [] }] });
  const [first] = pathsOf(svg);
  const xs = first!.d.split(/[ML]/).filter(Boolean).map((point) => Number(point.split(',')[0]));
  assert.ok(Math.abs(xs[1]! - xs[0]! - (xs[2]! - xs[1]!)) < 0.2, `x positions ${xs.join(', ')}`);
  assert.match(svg, />no data</); // the empty concurrent panel says so instead of drawing nothing
});
