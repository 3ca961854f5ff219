// Function `processor` (also deployed as `processor-priority`): runs queued Codex jobs.
import * as functions from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config.js';
import { processorDeps, processorHandler } from '../../shared/processor/processor-http.js';

functions.http('processor', processorHandler(processorDeps(loadConfig())));
