// autocannon with each response's own latency kept: its histogram records whole milliseconds, which
// at c=1 (a few ms per request) is too coarse to hold a 1.2× aim to. The 'response' event carries the
// time measured with hrtime.
import autocannon, { type Options, type Result } from 'autocannon';

export function runAutocannon(options: Options): Promise<{ result: Result; latencies: number[] }> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve({ result: result!, latencies })));
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
    });
  });
}

/** `n` evenly spaced quantiles of sorted samples: the plot's series without every sample in latest.json. */
export function quantileSamples(sorted: number[], n = 200): number[] {
  if (sorted.length <= n) return [...sorted];
  return Array.from({ length: n }, (_, i) => sorted[Math.min(sorted.length - 1, Math.floor(((i + 0.5) / n) * sorted.length))]!);
}
