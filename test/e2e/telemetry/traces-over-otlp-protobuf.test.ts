// One trace per job through the local stack, exported as OTLP/HTTP protobuf (http/protobuf, the default).
import { oneTracePerJob } from './one-trace-per-job.js';

oneTracePerJob('http/protobuf');
