// Function `storage-trigger`: .codex/.prompt files and archives dropped in the uploads bucket → jobs.
import * as functions from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config.js';
import { startTracing } from '../../shared/telemetry/tracing.js';
import { storageTriggerDeps, storageTriggerHandler } from '../../shared/intake/storage-trigger-http.js';

await startTracing('storage-trigger', loadConfig());
functions.http('storage-trigger', storageTriggerHandler(storageTriggerDeps(loadConfig())));
