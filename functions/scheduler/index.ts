// Function `scheduler`: Cloud Scheduler messages on codex-schedules → jobs.
import * as functions from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config.js';
import { schedulerDeps, schedulerHandler } from '../../shared/intake/scheduler-http.js';

functions.http('scheduler', schedulerHandler(schedulerDeps(loadConfig())));
