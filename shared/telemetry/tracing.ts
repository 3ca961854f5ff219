// Tracing set-up for one function process. Where spans go: OTLP/HTTP where OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT
// is set (http/protobuf or http/json per OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL), Cloud Trace in GCP, nowhere
// otherwise. Off, nothing of the SDK is loaded (the imports below are dynamic) and every span helper is
// a plain call: only @opentelemetry/api, a no-op without a provider, is imported statically.
import { context, trace, type Tracer } from '@opentelemetry/api';
import type { Config } from '../config.js';
import { lazyPackage } from '../lazy-package.js';

export type TraceExport = { kind: 'none'; why: string } | { kind: 'otlp'; protocol: 'http/protobuf' | 'http/json' } | { kind: 'google_cloud_trace' };

type TracingConfig = Pick<
  Config,
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  | 'OTEL_TRACES_EXPORTER'
  | 'OTEL_SDK_DISABLED'
  | 'K_SERVICE'
  | 'CLOUD_RUN_WORKER_POOL'
  | 'PUBSUB_EMULATOR_HOST'
  | 'FIRESTORE_EMULATOR_HOST'
  | 'GOOGLE_CLOUD_PROJECT'
>;

/**
 * The rule: off when OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none; OTLP when an OTLP endpoint is set
 * (or OTEL_TRACES_EXPORTER=otlp); Cloud Trace in GCP, that is on Cloud Run (K_SERVICE or
 * CLOUD_RUN_WORKER_POOL set) with no emulator host set, or OTEL_TRACES_EXPORTER=google_cloud_trace (GKE).
 */
export function traceExportFor(c: TracingConfig): TraceExport {
  if (c.OTEL_SDK_DISABLED) return { kind: 'none', why: 'OTEL_SDK_DISABLED' };
  const chosen = c.OTEL_TRACES_EXPORTER;
  if (chosen === 'none') return { kind: 'none', why: 'OTEL_TRACES_EXPORTER=none' };
  const otlp = { kind: 'otlp', protocol: c.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? c.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf' } as const;
  if (chosen === 'otlp') return otlp;
  if (chosen === 'google_cloud_trace') return { kind: 'google_cloud_trace' };
  if (c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || c.OTEL_EXPORTER_OTLP_ENDPOINT) return otlp;
  const onCloudRun = Boolean(c.K_SERVICE || c.CLOUD_RUN_WORKER_POOL);
  if (onCloudRun && !c.PUBSUB_EMULATOR_HOST && !c.FIRESTORE_EMULATOR_HOST) return { kind: 'google_cloud_trace' };
  return { kind: 'none', why: 'no OTLP endpoint and not in GCP' };
}

/** The OpenTelemetry service.name: the deployment's name (Terraform names each after its function), else the function's. */
export function serviceNameOf(functionName: string, c: Pick<Config, 'K_SERVICE' | 'CLOUD_RUN_WORKER_POOL'>): string {
  return c.K_SERVICE || c.CLOUD_RUN_WORKER_POOL || functionName;
}

interface Flushable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let provider: Flushable | undefined;
let starting: Promise<TraceExport> | undefined;

/** Whether this process records spans. Span helpers check it first, so tracing off is a plain call. */
export function tracingOn(): boolean {
  return provider !== undefined;
}

export function tracer(): Tracer {
  return trace.getTracer('codex-jobs');
}

/** Starts tracing for this process once (later calls return the first answer). */
export function startTracing(functionName: string, config: TracingConfig & Pick<Config, 'K_SERVICE' | 'CLOUD_RUN_WORKER_POOL'>): Promise<TraceExport> {
  starting ??= start(serviceNameOf(functionName, config), config);
  return starting;
}

async function start(serviceName: string, config: TracingConfig): Promise<TraceExport> {
  const chosen = traceExportFor(config);
  if (chosen.kind === 'none') return chosen;
  const [{ BasicTracerProvider, BatchSpanProcessor }, { resourceFromAttributes }, { AsyncLocalStorageContextManager }] = await Promise.all([
    lazyPackage(() => import('@opentelemetry/sdk-trace-base')),
    lazyPackage(() => import('@opentelemetry/resources')),
    lazyPackage(() => import('@opentelemetry/context-async-hooks')),
  ]);
  const exporter = await exporterFor(chosen, config);
  const sdk = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    // OTEL_BSP_* tune the batches; push-fed functions also flush before answering (flushTraces).
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(sdk);
  provider = sdk;
  // No SIGTERM hook here: a listener would stop Node's default exit. Push-fed functions flush per request.
  return chosen;
}

async function exporterFor(chosen: Exclude<TraceExport, { kind: 'none' }>, config: TracingConfig) {
  if (chosen.kind === 'google_cloud_trace') {
    const { TraceExporter } = await lazyPackage(() => import('@google-cloud/opentelemetry-cloud-trace-exporter'));
    return new TraceExporter({ projectId: config.GOOGLE_CLOUD_PROJECT });
  }
  // Both exporters read OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT and _COMPRESSION themselves.
  if (chosen.protocol === 'http/json') return new (await lazyPackage(() => import('@opentelemetry/exporter-trace-otlp-http'))).OTLPTraceExporter();
  return new (await lazyPackage(() => import('@opentelemetry/exporter-trace-otlp-proto'))).OTLPTraceExporter();
}

/** Sends the spans this process holds; a push-fed function calls it before answering (its CPU may stop after). */
export async function flushTraces(): Promise<void> {
  if (provider) await provider.forceFlush().catch(() => undefined);
}

/** For tests and tools that start and stop tracing in one process. */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  starting = undefined;
  if (!p) return;
  await p.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
}
