// Every log line of a job carries Cloud Logging's trace fields: `logging.googleapis.com/trace`
// (projects/P/traces/ID) and `logging.googleapis.com/spanId` (shared/logging.ts).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLogger } from '../../../shared/logging.js';
import { jobLogFields } from '../../../shared/telemetry/trace-context.js';

it('a job logger puts the job’s trace and span on each line, the children’s lines too', () => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('INFO', {}, (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const jobLog = log.child({ job_id: 'j1', ...jobLogFields('proj', { trace_parent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }) });
  jobLog.info('started');
  jobLog.child({ stage: 'x' }).warn('later');
  log.info('not a job line');
  for (const line of lines.slice(0, 2)) {
    assert.equal(line['logging.googleapis.com/trace'], 'projects/proj/traces/0af7651916cd43dd8448eb211c80319c');
    assert.equal(line['logging.googleapis.com/spanId'], 'b7ad6b7169203331');
    assert.equal('trace' in line || 'spanId' in line, false, 'only the Cloud Logging names');
  }
  assert.equal(lines[2]!['logging.googleapis.com/trace'], undefined);
});
