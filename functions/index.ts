// The deployed entry module (package.json main). Cloud Functions sets FUNCTION_TARGET, so a cold start
// loads only that function's bundle (dev/build-bundles.ts); without it (tools, tests) every function is
// registered. The compile cache is on before any bundle loads.
import './compile-cache.js';

const MODULES: Record<string, string> = {
  enqueue: './enqueue/index.js',
  processor: './processor/index.js',
  'storage-trigger': './storage-trigger/index.js',
  scheduler: './scheduler/index.js',
  notifier: './notifier/index.js',
  sweeper: './sweeper/index.js',
};

const target = process.env.FUNCTION_TARGET;
const chosen = target && MODULES[target] ? [MODULES[target]] : Object.values(MODULES);
for (const module of chosen) await import(module);

export {};
