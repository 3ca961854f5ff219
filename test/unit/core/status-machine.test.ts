// The status machine: the contract's five legal moves are allowed, every other pair is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertTransition, canTransition, IllegalTransitionError, isTerminal, JOB_STATUSES, TERMINAL_STATUSES, type JobStatus } from '../../../shared/jobs/job-status.js';

const LEGAL = new Set(['queued→processing', 'queued→cancelled', 'processing→completed', 'processing→failed', 'processing→cancelled']);
const ALL_PAIRS = JOB_STATUSES.flatMap((from) => JOB_STATUSES.map((to) => [from, to] as [JobStatus, JobStatus]));

describe('job status machine', () => {
  it('knows exactly the five contract statuses, three of them terminal', () => {
    assert.deepEqual([...JOB_STATUSES].sort(), ['cancelled', 'completed', 'failed', 'processing', 'queued']);
    assert.deepEqual([...TERMINAL_STATUSES].sort(), ['cancelled', 'completed', 'failed']);
    assert.equal(isTerminal('queued'), false);
    assert.equal(isTerminal('processing'), false);
    for (const s of ['completed', 'failed', 'cancelled'] as const) assert.equal(isTerminal(s), true, s);
  });

  it('enumerates all 25 pairs', () => {
    assert.equal(ALL_PAIRS.length, 25);
  });

  for (const [from, to] of ALL_PAIRS) {
    const legal = LEGAL.has(`${from}→${to}`);
    it(`${legal ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
      assert.equal(canTransition(from, to), legal);
      if (legal) {
        assert.doesNotThrow(() => assertTransition('job-1', from, to));
      } else {
        assert.throws(
          () => assertTransition('job-1', from, to),
          (err: unknown) => {
            assert.ok(err instanceof IllegalTransitionError);
            assert.equal(err.name, 'IllegalTransitionError');
            assert.equal(err.from, from);
            assert.equal(err.to, to);
            assert.equal(err.jobId, 'job-1');
            assert.match(err.message, new RegExp(`\\b${from}\\b.*\\b${to}\\b`));
            assert.match(err.message, /job-1/);
            return true;
          },
        );
      }
    });
  }

  it('never moves a terminal status, not even to itself', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of JOB_STATUSES) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
    }
  });

  it('refuses self-moves of non-terminal statuses too', () => {
    assert.equal(canTransition('queued', 'queued'), false);
    assert.equal(canTransition('processing', 'processing'), false);
  });
});
