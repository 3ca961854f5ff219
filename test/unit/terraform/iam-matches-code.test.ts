// Each function identity's IAM in terraform/iam.tf (and the long-lane worker's) and the secrets it may
// read (secrets.tf) are exactly what its code calls. Three views must agree: the table below (what
// each one does, for a reader), what the code does (found in the import closure of its entry module),
// and the bindings Terraform makes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { SECRET_ENV } from './function-env.js';
import { loadTerraform, repoRoot, resolve, table, type TerraformConfig } from './terraform-config.js';

type Bucket = 'uploads' | 'outputs' | 'results';
type TopicKey = 'jobs' | 'priority_jobs' | 'long' | 'results' | 'results_dead_letter';
interface Uses {
  firestore: boolean;
  publishes: TopicKey[];
  /** Topics whose metadata the code reads (GET /health). */
  views: TopicKey[];
  buckets: Partial<Record<Bucket, 'read' | 'write'>>;
  /** Signs with its own identity (signBlob): needs token-creator on itself. */
  signs: boolean;
  /** Secret Manager values it reads (secretAccessor on exactly those). */
  secrets: string[];
}

/** What the processors' job code (the long-lane worker's too) calls. */
const RUNS_JOBS: Uses = { firestore: true, publishes: ['results'], views: [], buckets: { uploads: 'read', outputs: 'write', results: 'write' }, signs: false, secrets: ['ENV_SECRETS_KEY', 'GITHUB_APP_PRIVATE_KEY', 'GIT_CREDENTIALS', 'OPENAI_API_KEY'] };

/** What each function's code calls (and the worker's: functions/worker/index.ts). */
const USES: Record<string, Uses> = {
  enqueue: { firestore: true, publishes: ['jobs', 'priority_jobs', 'long', 'results'], views: ['jobs'], buckets: { uploads: 'write', outputs: 'read', results: 'read' }, signs: true, secrets: ['API_KEYS', 'ENV_SECRETS_KEY', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_WEBHOOK_SECRET', 'GIT_CREDENTIALS'] },
  processor: RUNS_JOBS,
  'processor-priority': RUNS_JOBS,
  'storage-trigger': { firestore: true, publishes: ['jobs', 'priority_jobs', 'long', 'results'], views: [], buckets: { uploads: 'read' }, signs: false, secrets: [] },
  scheduler: { firestore: true, publishes: ['jobs', 'priority_jobs', 'long', 'results'], views: [], buckets: {}, signs: false, secrets: [] },
  notifier: { firestore: true, publishes: ['results_dead_letter'], views: [], buckets: {}, signs: false, secrets: ['GITHUB_APP_PRIVATE_KEY', 'GIT_CREDENTIALS', 'WEBHOOK_SECRET'] },
  // Republishes stuck jobs of every lane, the long lane's included.
  sweeper: { firestore: true, publishes: ['jobs', 'priority_jobs', 'long', 'results'], views: [], buckets: {}, signs: false, secrets: [] },
  worker: RUNS_JOBS,
};

/**
 * Secrets Terraform wires for code another branch of issue 24 brings: the GitHub App's installation
 * tokens (shared/delivery) for pushes, pull requests and the reply comment. Terraform's GIT_CREDENTIALS
 * of enqueue and the notifier is conditional (terraform/forge.tf: only as the App's stand-in).
 */
const SECRETS_AHEAD_OF_CODE: Record<string, string[]> = Object.fromEntries(
  ['enqueue', 'processor', 'processor-priority', 'notifier', 'worker'].map((fn) => [fn, ['GITHUB_APP_PRIVATE_KEY']]),
);

/** Token-creator for a function whose signing the closure check cannot see (none today: POST /uploads signs in code). */
const SIGNERS_AHEAD_OF_CODE: string[] = [];

const BUCKET_ROLE = { read: 'roles/storage.objectViewer', write: 'roles/storage.objectUser' } as const;
const BUCKET_ENV: Record<Bucket, string> = { uploads: 'UPLOADS_BUCKET', outputs: 'OUTPUTS_BUCKET', results: 'RESULTS_BUCKET' };

/** The .ts files an entry module loads at run time (type-only imports excluded). */
function importClosure(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    files.set(file, source);
    // Static imports, and dynamic ones anywhere (a lazily loaded module runs in that function too).
    for (const m of source.matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+'(\.[^']+)'|(?<!typeof\s*)\bimport\('(\.[^']+)'\)/gm)) {
      const spec = (m[1] ?? m[2])!;
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(target)) pending.push(target);
    }
  }
  return files;
}

/** Code lines (comments stripped) of the closure, outside the queue's own definitions. */
function codeLines(files: Map<string, string>): string[] {
  return [...files]
    .filter(([file]) => !file.includes(`${path.sep}shared${path.sep}queue${path.sep}`))
    .flatMap(([, source]) => source.split('\n'))
    .map((line) => line.replace(/\/\/.*$/, ''))
    .filter((line) => !/^\s*(\*|\/\*)/.test(line));
}

function usesOf(entryPoint: string): Uses {
  const lines = codeLines(importClosure(path.join(repoRoot, 'functions', entryPoint, 'index.ts')));
  const any = (re: RegExp) => lines.some((l) => re.test(l));
  const publishes: TopicKey[] = [];
  // publishJob picks the topic from the job's lane (laneTopic): any of the three, the long lane's included.
  if (any(/\.publishJob\(/)) publishes.push('jobs', 'priority_jobs', 'long');
  if (any(/publishResultOnce\(|\.publishResult\(/)) publishes.push('results');
  if (any(/deadLetterTopicName\(/)) publishes.push('results_dead_letter');
  const buckets: Uses['buckets'] = {};
  for (const [bucket, env] of Object.entries(BUCKET_ENV) as [Bucket, string][]) {
    const mentions = lines.filter((l) => l.includes(`config.${env}`));
    if (!mentions.length) continue;
    // A call that writes (`writeStream(`, `uploadOutputs(`, `save(`…), not a name that merely mentions uploads (`unpackUpload(`).
    buckets[bucket] = mentions.some((l) => /\b(upload|write|save|delete|createWriteStream)[A-Za-z]*\(/i.test(l.replace(/config\.UPLOADS_BUCKET/g, ''))) ? 'write' : 'read';
  }
  return {
    firestore: any(/firestoreClient\(|new Firestore\(/),
    publishes,
    views: any(/\.topic\([^)]*JOBS_TOPIC\)\.getMetadata\(/) ? ['jobs'] : [],
    buckets,
    signs: any(/getSignedUrl\(|signBlob/),
    secrets: SECRET_ENV.filter((name) => any(new RegExp(`\\bconfig\\.${name}\\b`))).sort(),
  };
}

let tf: TerraformConfig;
let access: Record<string, { project_roles: string[]; topic_roles: { topic: string; role: string }[]; bucket_roles: { bucket: string; role: string }[] }>;
let functions: Record<string, { entry_point: string }>;
/** Each identity's entry module under functions/: the functions' entry points, and the worker's. */
let entries: Record<string, string>;
let secrets: Record<string, Record<string, unknown>>;
let topicNames: Record<TopicKey, string>;
before(async () => {
  tf = await loadTerraform();
  access = table(tf, 'function_access');
  functions = table(tf, 'functions');
  entries = { ...Object.fromEntries(Object.entries(functions).map(([fn, spec]) => [fn, spec.entry_point])), worker: 'worker' };
  // secrets.tf binds local.identity_secrets: each function's secrets, and the worker's (terraform.test.ts checks that expression).
  secrets = { ...Object.fromEntries(Object.entries(table<{ secrets: Record<string, unknown> }>(tf, 'functions')).map(([fn, spec]) => [fn, spec.secrets])), worker: table(tf, 'worker_secrets') };
  const topics = resolve(tf, '${local.topics}') as Record<string, string>;
  const deadLetters = resolve(tf, '${local.dead_letter_topics}') as Record<string, string>;
  const longLane = resolve(tf, '${local.long_lane}') as Record<string, string>;
  topicNames = { jobs: topics.jobs!, priority_jobs: topics.priority_jobs!, long: longLane.topic!, results: topics.results!, results_dead_letter: deadLetters.results! };
});

test('the table covers every function Terraform deploys, and the worker', () => {
  const identities = [...Object.keys(functions), 'worker'].sort();
  assert.deepEqual(Object.keys(USES).sort(), identities);
  assert.deepEqual(Object.keys(access).sort(), identities);
  assert.deepEqual(Object.keys(secrets).sort(), identities);
});

test("the table says what each function's code calls", () => {
  for (const [fn, entry] of Object.entries(entries)) {
    const code = usesOf(entry);
    const found = { ...code, secrets: [...new Set([...code.secrets, ...(SECRETS_AHEAD_OF_CODE[fn] ?? [])])].sort() };
    const wanted = USES[fn]!;
    assert.deepEqual({ ...found, publishes: [...found.publishes].sort() }, { ...wanted, publishes: [...wanted.publishes].sort() }, `${fn} (entry ${entry})`);
  }
});

test('each identity may read exactly the secrets its code reads', () => {
  for (const [fn, uses] of Object.entries(USES)) assert.deepEqual(Object.keys(secrets[fn]!).sort(), uses.secrets, `${fn}: secrets`);
});

test('each IAM binding is one the table asks for, and each need has its binding', () => {
  const sort = (xs: string[]) => [...xs].sort();
  for (const [fn, uses] of Object.entries(USES)) {
    const a = access[fn]!;
    assert.deepEqual(a.project_roles, uses.firestore ? ['roles/datastore.user'] : [], `${fn}: project roles`);
    const topicRoles = a.topic_roles.map((r) => `${resolve(tf, r.topic) as string} ${r.role}`);
    const wantedTopics = [...uses.publishes.map((t) => `${topicNames[t]} roles/pubsub.publisher`), ...uses.views.map((t) => `${topicNames[t]} roles/pubsub.viewer`)];
    assert.deepEqual(sort(topicRoles), sort(wantedTopics), `${fn}: topic roles`);
    const bucketRoles = a.bucket_roles.map((r) => `${r.bucket} ${r.role}`);
    const wantedBuckets = Object.entries(uses.buckets).map(([b, mode]) => `${b} ${BUCKET_ROLE[mode]}`);
    assert.deepEqual(sort(bucketRoles), sort(wantedBuckets), `${fn}: bucket roles`);
  }
  const tokenCreators = Object.entries(tf.resources.google_service_account_iam_member ?? {})
    .filter(([, b]) => b.role === 'roles/iam.serviceAccountTokenCreator' && String(b.member).includes('google_service_account.fn['))
    .map(([, b]) => /fn\["([^"]+)"\]/.exec(String(b.member))![1]!);
  assert.deepEqual(sort(tokenCreators), sort([...new Set([...Object.entries(USES).filter(([, u]) => u.signs).map(([fn]) => fn), ...SIGNERS_AHEAD_OF_CODE])]), 'token-creator only for a function that signs');
});

test('no function identity holds objectAdmin or a project-wide role beyond Firestore', () => {
  for (const [fn, a] of Object.entries(access)) {
    for (const r of a.bucket_roles) assert.notEqual(r.role, 'roles/storage.objectAdmin', `${fn} on ${r.bucket}`);
    for (const role of a.project_roles) assert.equal(role, 'roles/datastore.user', fn);
  }
});
