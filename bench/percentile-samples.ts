// autocannon reports latency percentiles, not samples: rebuild 200 evenly spaced quantiles from them
// (linear between the reported points) so the API's distribution can be drawn beside a raw floor.
const POINTS: [number, string][] = [
  [0.001, 'p0_001'], [0.01, 'p0_01'], [0.1, 'p0_1'], [1, 'p1'], [2.5, 'p2_5'], [10, 'p10'], [25, 'p25'], [50, 'p50'],
  [75, 'p75'], [90, 'p90'], [97.5, 'p97_5'], [99, 'p99'], [99.9, 'p99_9'], [99.99, 'p99_99'], [99.999, 'p99_999'],
];

export function samplesFromPercentiles(latency: Record<string, number>, n = 200): number[] {
  const known = POINTS.filter(([, key]) => typeof latency[key] === 'number').map(([q, key]) => [q, latency[key]!] as const);
  if (known.length === 0) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = ((i + 0.5) / n) * 100;
    const hi = known.findIndex(([kq]) => kq >= q);
    if (hi <= 0) out.push(known[hi === 0 ? 0 : known.length - 1]![1]);
    else {
      const [q0, v0] = known[hi - 1]!;
      const [q1, v1] = known[hi]!;
      out.push(v0 + ((v1 - v0) * (q - q0)) / (q1 - q0));
    }
  }
  return out;
}
