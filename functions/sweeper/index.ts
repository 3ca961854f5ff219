// Function `sweeper`: every tick on codex-sweeps, requeues or ends stuck jobs (shared/sweeper/).
import * as functions from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config.js';
import { sweeperDeps, sweeperHandler } from '../../shared/sweeper/sweeper-http.js';

functions.http('sweeper', sweeperHandler(sweeperDeps(loadConfig())));
