// A small OTLP/HTTP trace receiver on 127.0.0.1 that the tests own (in place of the OpenTelemetry
// Collector, a large Go build): it takes POST /v1/traces as the real exporters send it, in http/json
// or http/protobuf (decoded with protobufjs from the OTLP messages below, a subset of
// opentelemetry-proto's trace.proto, common.proto, resource.proto and trace_service.proto with their
// field numbers), gzip or not, and keeps every span with its service.name and the raw bodies.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;
const requestType = protobuf.parse(OTLP_PROTO, { keepCase: false }).root.lookupType('otlp.ExportTraceServiceRequest');

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  links: { traceId: string; spanId: string }[];
  status: { code: number; message: string };
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the requests taken, e.g. application/json or application/x-protobuf. */
  contentTypes: Set<string>;
  /** Every request body as received (decompressed), to search for text that must never be sent. */
  bodies: Buffer[];
  /** Resolves when `predicate` holds on the spans received so far (checked on each export). */
  waitFor<T>(predicate: (spans: ReceivedSpan[]) => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/* The JSON and the protobufjs object shapes, loosely: both use the proto's camelCase names. */
interface AnyValueShape {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueShape[] };
  bytesValue?: string;
}
interface KeyValueShape {
  key: string;
  value?: AnyValueShape;
}
interface SpanShape {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValueShape[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number; message?: string };
}
interface RequestShape {
  resourceSpans?: { resource?: { attributes?: KeyValueShape[] }; scopeSpans?: { spans?: SpanShape[] }[] }[];
}

function valueOf(v: AnyValueShape | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return null;
}

function attributesOf(kvs: KeyValueShape[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

/** OTLP/JSON ids are hex; protobufjs gives bytes as base64 here (toObject bytes: String): both end as lower-case hex. */
function hexId(id: string | undefined, encoding: 'hex' | 'base64'): string {
  if (!id) return '';
  return encoding === 'hex' ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

function spansOf(request: RequestShape, ids: 'hex' | 'base64'): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: hexId(s.traceId, ids),
        spanId: hexId(s.spanId, ids),
        parentSpanId: hexId(s.parentSpanId, ids),
        name: s.name,
        kind: Number(s.kind ?? 0),
        startNs: BigInt(s.startTimeUnixNano),
        endNs: BigInt(s.endTimeUnixNano),
        attributes: attributesOf(s.attributes),
        links: (s.links ?? []).map((l) => ({ traceId: hexId(l.traceId, ids), spanId: hexId(l.spanId, ids) })),
        status: { code: Number(s.status?.code ?? 0), message: s.status?.message ?? '' },
      })),
    );
  });
}

export function decodeExport(contentType: string, body: Buffer): ReceivedSpan[] {
  if (contentType.startsWith('application/json')) return spansOf(JSON.parse(body.toString('utf8')) as RequestShape, 'hex');
  if (contentType.startsWith('application/x-protobuf')) {
    const message = requestType.decode(body);
    return spansOf(requestType.toObject(message, { longs: String, bytes: String, defaults: false }) as RequestShape, 'base64');
  }
  throw new Error(`unexpected content type ${contentType}`);
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: Buffer[] = [];
  const contentTypes = new Set<string>();
  const received = new EventEmitter();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = String(req.headers['content-type'] ?? '');
      try {
        if (req.method !== 'POST' || req.url !== '/v1/traces') throw new Error(`unexpected ${req.method} ${req.url}`);
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const decoded = decodeExport(contentType, body);
        bodies.push(body);
        contentTypes.add(contentType.split(';')[0]!);
        spans.push(...decoded);
        // An empty ExportTraceServiceResponse: full success.
        if (contentType.startsWith('application/json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        received.emit('spans');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message);
        received.emit('error-body', err);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const failures: Error[] = [];
  received.on('error-body', (err: Error) => failures.push(err));
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    contentTypes,
    waitFor<T>(predicate: (s: ReceivedSpan[]) => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          if (failures.length) return finish(() => reject(new Error(`the receiver could not decode an export: ${failures[0]!.message}`)));
          const found = predicate(spans);
          if (found !== undefined) finish(() => resolve(found));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}; spans so far: ${spans.map((s) => `${s.service}/${s.name}`).join(', ')}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          received.off('spans', check);
          settle();
        };
        received.on('spans', check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
