// The words of a delivery: the subject from the final message's first line (markdown marks off, cut
// at 72), the commit message with the job id, and the body: the request's own text first, then the
// final message, the change stats and the job id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitMessage, pullRequestBody, statsLine, subjectOf } from '../../../shared/delivery/pull-request-text.js';

const JOB = '0f3a9c12-1111-4222-8333-444455556666';

test('subject and commit message', () => {
  assert.equal(subjectOf('\n## Fixed the parser\n\nDetails', JOB), 'Fixed the parser');
  assert.equal(subjectOf('', JOB), 'codex-jobs: changes of job 0f3a9c12');
  const long = subjectOf('x'.repeat(100), JOB);
  assert.equal(long.length, 72);
  assert.ok(long.endsWith('…'));
  assert.equal(commitMessage('Fixed', JOB), `Fixed\n\ncodex-jobs job ${JOB}`);
});

test('body: lead, final message, stats, job id', () => {
  assert.equal(statsLine({ files_changed: 1, insertions: 1, deletions: 2 }), '1 file changed, 1 insertion(+), 2 deletions(-)');
  assert.equal(
    pullRequestBody({ lead: 'Closes #4', finalMessage: 'Done.', stats: { files_changed: 2, insertions: 3, deletions: 0 }, jobId: JOB }),
    `Closes #4\n\nDone.\n\n---\n2 files changed, 3 insertions(+), 0 deletions(-)\nJob: \`${JOB}\``,
  );
  assert.equal(pullRequestBody({ lead: undefined, finalMessage: '', stats: undefined, jobId: JOB }), `---\nchanges: not computed\nJob: \`${JOB}\``);
  const huge = pullRequestBody({ lead: 'Closes #1', finalMessage: 'y'.repeat(100_000), stats: undefined, jobId: JOB });
  assert.ok(huge.length <= 60_000 && huge.startsWith('Closes #1') && huge.endsWith(`Job: \`${JOB}\``));
});
