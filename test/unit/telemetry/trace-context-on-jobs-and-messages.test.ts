// A job's trace context (shared/telemetry/trace-context.ts): W3C traceparent made, read and carried
// on messages; with tracing off (this process starts none) a job still gets ids of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceFlags } from '@opentelemetry/api';
import { formatTraceparent, jobLogFields, newJobTrace, parentSpanContext, parseTraceparent, traceAttributes, withJobTrace } from '../../../shared/telemetry/trace-context.js';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('trace context on jobs and messages', () => {
  it('reads and writes W3C traceparent, refusing malformed and all-zero ids', () => {
    const sc = parseTraceparent(PARENT)!;
    assert.deepEqual({ traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags, isRemote: sc.isRemote }, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true });
    assert.equal(formatTraceparent(sc), PARENT);
    for (const bad of ['', 'garbage', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`, `00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`, '00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01']) {
      assert.equal(parseTraceparent(bad), undefined, bad);
    }
  });

  it('gives a new job fresh, sampled ids when no span is active, and keeps the ids a job already has', () => {
    const a = newJobTrace();
    const b = newJobTrace();
    assert.match(a.trace_id, /^[0-9a-f]{32}$/);
    assert.notEqual(a.trace_id, b.trace_id);
    const parent = parseTraceparent(a.trace_parent)!;
    assert.equal(parent.traceId, a.trace_id);
    assert.equal(parent.traceFlags, TraceFlags.SAMPLED);
    const traced: { job_id: string; trace_id?: string; trace_parent?: string } = { job_id: 'j', trace_id: '0af7651916cd43dd8448eb211c80319c', trace_parent: PARENT };
    assert.equal(withJobTrace(traced).trace_parent, PARENT);
    const untraced: { job_id: string; trace_id?: string } = { job_id: 'j' };
    assert.match(withJobTrace(untraced).trace_id!, /^[0-9a-f]{32}$/);
  });

  it('puts the job’s stored parent on a message published outside its spans (a sweeper republish)', () => {
    assert.deepEqual(traceAttributes(PARENT), { traceparent: PARENT });
    assert.deepEqual(traceAttributes(undefined), {}, 'a job made before traces: no attribute');
  });

  it('continues the message attribute first, else the parent stored on the job', () => {
    const other = '00-11111111111111111111111111111111-2222222222222222-01';
    assert.equal(parentSpanContext({ traceparent: other }, PARENT)!.traceId, '11111111111111111111111111111111');
    assert.equal(parentSpanContext({}, PARENT)!.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(parentSpanContext({ traceparent: 'junk' }, PARENT)!.spanId, 'b7ad6b7169203331');
    assert.equal(parentSpanContext({ traceparent: other, tracestate: 'vendor=1' })!.traceState?.get('vendor'), '1');
    assert.equal(parentSpanContext({}), undefined);
  });

  it('names the job’s trace in Cloud Logging’s form', () => {
    assert.deepEqual(jobLogFields('proj', { trace_parent: PARENT }), { trace: 'projects/proj/traces/0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    assert.deepEqual(jobLogFields('proj', {}), {});
  });
});
