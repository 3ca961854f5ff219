// Captures the structured log lines (JSON on stdout) written while a test runs, so it can check
// what reached the logs; they are kept out of the test output.
export function captureLogs(): { text(): string; stop(): void } {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"severity"')) {
      lines.push(text);
      return true;
    }
    return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return {
    text: () => lines.join(''),
    stop: () => {
      process.stdout.write = original;
    },
  };
}
