// Function `enqueue`: the HTTP API (submit, read, list, cancel, events, outputs).
import * as functions from '@google-cloud/functions-framework';
import { createApiHandler } from '../../shared/api/api-app.js';
import { apiDeps } from '../../shared/api/api-runtime.js';
import { installFrameworkErrorEnvelope } from '../../shared/api/framework-error-envelope.js';
import { loadConfig } from '../../shared/config.js';
import { startTracing } from '../../shared/telemetry/tracing.js';

installFrameworkErrorEnvelope();
await startTracing('enqueue', loadConfig()); // off: returns at once, loading nothing
functions.http('enqueue', createApiHandler(apiDeps(loadConfig())));
