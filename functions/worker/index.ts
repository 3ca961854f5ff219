// The long-lane `worker`: a streaming pull on codex-jobs-long-worker (a Cloud Run worker pool or a GKE
// Deployment, not a Cloud Function). Wiring only; dist/functions/worker.js starts it.
import { loadConfig } from '../../shared/config.js';
import { runWorkerProcess } from '../../shared/worker/worker-process.js';
import { startTracing } from '../../shared/telemetry/tracing.js';

await startTracing('worker', loadConfig());
await runWorkerProcess(loadConfig());
