// Every job event fits a Firestore document and a batch: fields cut, oversized data reduced to a note.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedEventData, EVENT_ARRAY_LIMIT, EVENT_MAX_BYTES, EVENT_TEXT_LIMIT } from '../../../shared/processor/event-limits.js';

describe('boundedEventData', () => {
  it('cuts a long string field and says how much was cut', () => {
    const data = boundedEventData({ id: 'c1', command: 'x'.repeat(EVENT_TEXT_LIMIT + 500) });
    assert.equal(data.id, 'c1');
    assert.equal((data.command as string).startsWith('x'.repeat(EVENT_TEXT_LIMIT)), true);
    assert.match(data.command as string, /…\[cut: 500 more characters\]$/);
  });
  it('cuts long arrays and deep nesting', () => {
    const data = boundedEventData({ changes: Array.from({ length: EVENT_ARRAY_LIMIT + 7 }, (_, i) => ({ path: `p${i}` })) });
    const changes = data.changes as unknown[];
    assert.equal(changes.length, EVENT_ARRAY_LIMIT + 1);
    assert.equal(changes.at(-1), '[cut: 7 more entries]');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    assert.ok(JSON.stringify(boundedEventData(deep)).includes('[cut: nested too deep]'));
  });
  it('an event still over EVENT_MAX_BYTES keeps its short identifiers and a note', () => {
    const many: Record<string, unknown> = { id: 'item-1', status: 'completed' };
    for (let i = 0; i < 40; i++) many[`f${i}`] = 'y'.repeat(EVENT_TEXT_LIMIT);
    const data = boundedEventData(many);
    assert.ok(Buffer.byteLength(JSON.stringify(data)) <= EVENT_MAX_BYTES);
    assert.equal(data.id, 'item-1');
    assert.equal(data.status, 'completed');
    assert.match(data.cut as string, /over the \d+-byte event limit/);
  });
  it('small events pass unchanged', () => {
    assert.deepEqual(boundedEventData({ a: 1, b: 'two', c: [true, null] }), { a: 1, b: 'two', c: [true, null] });
  });
});
