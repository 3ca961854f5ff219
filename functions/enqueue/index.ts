// Function `enqueue`: the HTTP API (submit, read, list, cancel, events, outputs).
import * as functions from '@google-cloud/functions-framework';
import { createApiHandler } from '../../shared/api/api-app.js';
import { apiDeps } from '../../shared/api/api-runtime.js';
import { installFrameworkErrorEnvelope } from '../../shared/api/framework-error-envelope.js';
import { loadConfig } from '../../shared/config.js';

installFrameworkErrorEnvelope();
functions.http('enqueue', createApiHandler(apiDeps(loadConfig())));
