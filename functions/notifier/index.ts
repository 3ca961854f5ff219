// Function `notifier`: delivers signed webhooks for terminal jobs (push subscription on codex-results).
import * as functions from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config.js';
import { startTracing } from '../../shared/telemetry/tracing.js';
import { notifierDeps, notifierHandler } from '../../shared/webhooks/notifier-http.js';

await startTracing('notifier', loadConfig());
functions.http('notifier', notifierHandler(notifierDeps(loadConfig())));
