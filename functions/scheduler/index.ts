// Function `scheduler`: Cloud Scheduler messages on codex-schedules → jobs.
import * as functions from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config.js';
import { startTracing } from '../../shared/telemetry/tracing.js';
import { schedulerDeps, schedulerHandler } from '../../shared/intake/scheduler-http.js';

await startTracing('scheduler', loadConfig());
functions.http('scheduler', schedulerHandler(schedulerDeps(loadConfig())));
