// Every Firestore collection the code writes an expire_at Timestamp into has a TTL policy, either in
// Terraform's ttl_fields or as a `ttl: true` field override in firestore.indexes.json (which
// Terraform applies): without one the documents are kept for ever.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadTerraform, repoRoot } from './terraform-config.js';

/** collection group → the source file that writes its expire_at. */
const WRITERS: Record<string, string> = {
  jobs: 'shared/jobs/job-document.ts',
  events: 'shared/store/firestore-job-store.ts',
  rate_limits: 'shared/api/rate-limit.ts',
  idempotency: 'shared/api/idempotency.ts',
  webhook_deliveries: 'shared/webhooks/delivery-store.ts',
  // Day counters (400 days) and the counted-once markers (JOB_TTL_DAYS): issue 25.
  usage: 'shared/usage/usage-ledger.ts',
  usage_records: 'shared/usage/usage-ledger.ts',
  // The reply comment of a GitHub-started job, and the pull request → session link (issue 24).
  forge_replies: 'shared/forge/forge-store.ts',
  forge_pull_sessions: 'shared/forge/forge-store.ts',
};

test('each collection that carries expire_at has a TTL policy', async () => {
  const tf = await loadTerraform();
  const ttlFields = String(tf.locals.ttl_fields);
  const overrides = (JSON.parse(readFileSync(path.join(repoRoot, 'firestore.indexes.json'), 'utf8')) as { fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean }[] }).fieldOverrides;
  for (const [collection, file] of Object.entries(WRITERS)) {
    const source = readFileSync(path.join(repoRoot, file), 'utf8');
    assert.match(source, /expire_at/, `${file} writes expire_at`);
    const inTerraform = ttlFields.includes(`"${collection}/expire_at"`);
    const inIndexes = overrides.some((o) => o.collectionGroup === collection && o.fieldPath === 'expire_at' && o.ttl === true);
    assert.ok(inTerraform || inIndexes, `${collection}.expire_at has no TTL policy`);
  }
});

test('webhook_deliveries records are written with an expire_at Timestamp', () => {
  const source = readFileSync(path.join(repoRoot, WRITERS.webhook_deliveries!), 'utf8');
  assert.match(source, /expire_at: Timestamp\.from/);
});

test('usage days and usage_records markers are written with an expire_at Timestamp', () => {
  const ledger = readFileSync(path.join(repoRoot, WRITERS.usage!), 'utf8');
  // The marker's (JOB_TTL_DAYS, as long as the job) and the day's (USAGE_DAY_TTL_DAYS after its date).
  assert.match(ledger, /expire_at: Timestamp\.fromMillis\(now \+ this\.recordTtlDays \* 86_400_000\)/);
  assert.match(ledger, /expire_at: Timestamp\.fromMillis\(Date\.parse\(`\$\{date\}T00:00:00Z`\) \+ USAGE_DAY_TTL_DAYS \* 86_400_000\)/);
  // The submit-time count creates the day too, so it must carry the same expiry.
  assert.match(readFileSync(path.join(repoRoot, 'shared/usage/submit-quota.ts'), 'utf8'), /expire_at: Timestamp\.fromMillis\(Date\.parse\(`\$\{date\}T00:00:00Z`\) \+ USAGE_DAY_TTL_DAYS/);
});
