// One trace per job through the local stack, exported as OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json).
import { oneTracePerJob } from './one-trace-per-job.js';

oneTracePerJob('http/json');
