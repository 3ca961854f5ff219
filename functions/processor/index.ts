// Function `processor` (also deployed as `processor-priority`): runs queued Codex jobs.
import * as functions from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config.js';
import { startTracing } from '../../shared/telemetry/tracing.js';
import { processorDeps, processorHandler, reportSandbox } from '../../shared/processor/processor-http.js';

await startTracing('processor', loadConfig()); // service.name: K_SERVICE (processor or processor-priority)
const deps = processorDeps(loadConfig());
// A host where the Codex sandbox cannot work stops start-up here (no job is ever run unconfined).
await reportSandbox(deps);
functions.http('processor', processorHandler(deps));
