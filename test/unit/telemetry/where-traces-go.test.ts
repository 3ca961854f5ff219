// Where spans go (shared/telemetry/tracing.ts): OTLP where an endpoint is set, in the protocol the
// standard variables ask; Cloud Trace on Cloud Run off the emulators; nowhere otherwise. A bad value
// stops start-up naming the variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../shared/config.js';
import { serviceNameOf, traceExportFor } from '../../../shared/telemetry/tracing.js';

const exportFor = (env: Record<string, string>) => traceExportFor(parseConfig(env));

describe('trace export follows the variables', () => {
  it('sends nothing without an OTLP endpoint off GCP, and nothing when turned off', () => {
    assert.equal(exportFor({}).kind, 'none');
    assert.equal(exportFor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).kind, 'none');
    assert.equal(exportFor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }).kind, 'none');
  });

  it('sends OTLP/HTTP where an endpoint is set: protobuf by default, json when asked, the traces variables first', () => {
    assert.deepEqual(exportFor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), { kind: 'otlp', protocol: 'http/protobuf' });
    assert.deepEqual(exportFor({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), { kind: 'otlp', protocol: 'http/json' });
    assert.deepEqual(exportFor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }), { kind: 'otlp', protocol: 'http/protobuf' });
    // On Cloud Run too: the OTLP endpoint the user set wins over Cloud Trace.
    assert.equal(exportFor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', K_SERVICE: 'processor' }).kind, 'otlp');
  });

  it('sends to Cloud Trace on Cloud Run (a service or a worker pool) unless an emulator is set, or where asked (GKE)', () => {
    assert.equal(exportFor({ K_SERVICE: 'enqueue' }).kind, 'google_cloud_trace');
    assert.equal(exportFor({ CLOUD_RUN_WORKER_POOL: 'worker' }).kind, 'google_cloud_trace');
    assert.equal(exportFor({ K_SERVICE: 'enqueue', PUBSUB_EMULATOR_HOST: '127.0.0.1:8085' }).kind, 'none', 'the local stack sets K_SERVICE with the emulators');
    assert.equal(exportFor({ OTEL_TRACES_EXPORTER: 'google_cloud_trace' }).kind, 'google_cloud_trace');
  });

  it('refuses gRPC and a bad endpoint, naming the variable', () => {
    assert.throws(() => parseConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), (err: Error) => err instanceof ConfigError && /OTEL_EXPORTER_OTLP_PROTOCOL="grpc"/.test(err.message) && /http\/protobuf or http\/json/.test(err.message));
    assert.throws(() => parseConfig({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' }), /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL/);
    assert.throws(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }), /OTEL_EXPORTER_OTLP_ENDPOINT/);
    assert.throws(() => parseConfig({ OTEL_TRACES_EXPORTER: 'zipkin' }), /OTEL_TRACES_EXPORTER/);
  });

  it('names each span’s service after its deployment (processor-priority too), else its function', () => {
    assert.equal(serviceNameOf('processor', { K_SERVICE: 'processor-priority', CLOUD_RUN_WORKER_POOL: undefined }), 'processor-priority');
    assert.equal(serviceNameOf('worker', { K_SERVICE: undefined, CLOUD_RUN_WORKER_POOL: 'worker' }), 'worker');
    assert.equal(serviceNameOf('notifier', { K_SERVICE: undefined, CLOUD_RUN_WORKER_POOL: undefined }), 'notifier');
  });
});
