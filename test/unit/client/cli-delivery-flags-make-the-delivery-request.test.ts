// submit's delivery flags become the JobRequest `delivery` the API's own schema accepts: --branch
// alone pushes, --pr alone is `pull_request: true`, the pull request's details make its object, and
// a flag that cannot apply (no --git, a detail without --pr, an empty value) is a usage error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveryFrom, type DeliveryFlags } from '../../../client/cli/commands/delivery-flags.js';
import { UsageError } from '../../../client/cli/exit-codes.js';
import { JobRequestSchema } from '../../../shared/jobs/job-request.js';

const git = 'https://github.com/acme/widgets.git';
const accepted = (flags: DeliveryFlags) => {
  const delivery = deliveryFrom(flags);
  const parsed = JobRequestSchema.parse({ prompt: 'p', workspace: { git: { url: git } }, delivery });
  return parsed.delivery;
};

test('each combination of flags is the delivery the API takes', () => {
  assert.equal(deliveryFrom({ git }), undefined, 'no delivery flag: no delivery');
  assert.deepEqual(accepted({ git, branch: 'codex/fix' }), { branch: 'codex/fix' });
  assert.deepEqual(accepted({ git, pr: true }), { pull_request: true });
  assert.deepEqual(accepted({ git, commitMessage: 'Fix it' }), { commit_message: 'Fix it' });
  assert.deepEqual(accepted({ git, branch: 'codex/fix', pr: true, prTitle: 'Fix the README', prBody: 'Closes #4', draft: false, prBase: 'release/2.x', commitMessage: 'README: fix' }), {
    branch: 'codex/fix',
    pull_request: { title: 'Fix the README', body: 'Closes #4', draft: false, base: 'release/2.x' },
    commit_message: 'README: fix',
  });
  assert.deepEqual(accepted({ git, pr: true, draft: true }), { pull_request: { draft: true } });
});

test('a delivery flag that cannot apply is a usage error naming the fix', () => {
  const usage = (flags: DeliveryFlags, message: RegExp) => assert.throws(() => deliveryFrom(flags), (err: unknown) => err instanceof UsageError && message.test(err.message));
  usage({ pr: true }, /add --git URL/);
  usage({ branch: 'x' }, /add --git URL/);
  usage({ git, prTitle: 'T' }, /--pr-title shape the pull request: add --pr/);
  usage({ git, draft: false, prBase: 'main' }, /--draft\/--no-draft, --pr-base shape the pull request: add --pr/);
  usage({ git, branch: ' ' }, /--branch takes a non-empty value/);
});

test('a branch name git refuses is left to the API, which names it', () => {
  const delivery = deliveryFrom({ git, branch: 'bad..name', pr: true });
  const parsed = JobRequestSchema.safeParse({ prompt: 'p', workspace: { git: { url: git } }, delivery });
  assert.equal(parsed.success, false);
  assert.match(JSON.stringify(parsed.error?.issues), /delivery/);
});
