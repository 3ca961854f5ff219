// Secret values become *** in text, in JSON-like values and in byte streams, even when a value is
// split across chunks, and binary bytes around them are left as they were.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { SecretRedactor } from '../../../shared/environment/secret-redaction.js';

test('exact values are replaced in text and nested values; the longer of two overlapping secrets is hidden whole', () => {
  const r = new SecretRedactor({ A: 'tok-123456', B: 'tok-123456-extended' });
  assert.equal(r.text('x tok-123456-extended y tok-123456'), 'x *** y ***');
  assert.deepEqual(r.value({ out: ['tok-123456'], n: 1, deep: { s: 'a tok-123456' } }), { out: ['***'], n: 1, deep: { s: 'a ***' } });
});

test('a stream hides a value split over chunks and keeps binary bytes intact', async () => {
  const r = new SecretRedactor(['s3cr3t-value']);
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
  const chunks = [Buffer.concat([binary, Buffer.from('before s3cr')]), Buffer.from('3t-val'), Buffer.from('ue after'), binary];
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(r.stream())) out.push(c as Buffer);
  assert.deepEqual(Buffer.concat(out), Buffer.concat([binary, Buffer.from('before *** after'), binary]));
});
