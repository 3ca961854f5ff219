// firestore.rules against the Firestore emulator started with --rules: clients read only their own
// jobs and events (custom claim codex_jobs_owner == job.owner) and never write.
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, setLogLevel, updateDoc, where } from 'firebase/firestore';
import type { ManagedProcess } from '../../dev/child-processes.js';
import { emulatorBinaries, startFirestoreEmulator } from '../../dev/emulators.js';
import { freePort } from '../../dev/free-port.js';
import { repoRoot } from '../unit/terraform/terraform-config.js';

const PROJECT = 'demo-codex-jobs-rules';

describe('firestore.rules', () => {
  let emulator: ManagedProcess | undefined;
  let env: RulesTestEnvironment | undefined;

  before(async () => {
    // Denied requests are the point here; the SDK would log each one as an error.
    setLogLevel('silent');
    const port = await freePort();
    emulator = await startFirestoreEmulator(emulatorBinaries().firestore, port, path.join(repoRoot, 'firestore.rules'));
    env = await initializeTestEnvironment({ projectId: PROJECT, firestore: { host: '127.0.0.1', port } });
    await env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore();
      await setDoc(doc(db, 'jobs/job-alice'), { job_id: 'job-alice', owner: 'alice', status: 'queued' });
      await setDoc(doc(db, 'jobs/job-alice/events/000000000001'), { seq: 1, type: 'progress', at: '2026-01-01T00:00:00.000Z', data: {} });
      await setDoc(doc(db, 'jobs/job-bob'), { job_id: 'job-bob', owner: 'bob', status: 'queued' });
      await setDoc(doc(db, 'idempotency/k1'), { owner: 'alice' });
    });
  });

  after(async () => {
    await env?.cleanup();
    await emulator?.stop();
  });

  const alice = () => env!.authenticatedContext('uid-alice', { codex_jobs_owner: 'alice' }).firestore();
  const bob = () => env!.authenticatedContext('uid-bob', { codex_jobs_owner: 'bob' }).firestore();

  it('lets the owner read the job, its events and a query of their own jobs', async () => {
    await assertSucceeds(getDoc(doc(alice(), 'jobs/job-alice')));
    await assertSucceeds(getDoc(doc(alice(), 'jobs/job-alice/events/000000000001')));
    await assertSucceeds(getDocs(collection(alice(), 'jobs/job-alice/events')));
    await assertSucceeds(getDocs(query(collection(alice(), 'jobs'), where('owner', '==', 'alice'))));
  });

  it('hides a job and its events from another owner', async () => {
    await assertFails(getDoc(doc(bob(), 'jobs/job-alice')));
    await assertFails(getDoc(doc(bob(), 'jobs/job-alice/events/000000000001')));
    await assertFails(getDocs(collection(bob(), 'jobs/job-alice/events')));
    await assertFails(getDocs(collection(bob(), 'jobs')));
    await assertFails(getDocs(query(collection(bob(), 'jobs'), where('owner', '==', 'alice'))));
  });

  it('hides everything from signed-in users without the claim and from unauthenticated clients', async () => {
    const noClaim = env!.authenticatedContext('uid-plain').firestore();
    const anonymous = env!.unauthenticatedContext().firestore();
    for (const db of [noClaim, anonymous]) {
      await assertFails(getDoc(doc(db, 'jobs/job-alice')));
      await assertFails(getDoc(doc(db, 'jobs/job-alice/events/000000000001')));
      await assertFails(getDocs(query(collection(db, 'jobs'), where('owner', '==', 'alice'))));
    }
  });

  it('lets nobody write jobs or events, not even their owner', async () => {
    const anonymous = env!.unauthenticatedContext().firestore();
    for (const db of [alice(), bob(), anonymous]) {
      await assertFails(setDoc(doc(db, 'jobs/new-job'), { owner: 'alice', status: 'queued' }));
      await assertFails(updateDoc(doc(db, 'jobs/job-alice'), { status: 'cancelled' }));
      await assertFails(deleteDoc(doc(db, 'jobs/job-alice')));
      await assertFails(setDoc(doc(db, 'jobs/job-alice/events/000000000002'), { seq: 2, type: 'progress' }));
      await assertFails(updateDoc(doc(db, 'jobs/job-alice/events/000000000001'), { type: 'forged' }));
      await assertFails(deleteDoc(doc(db, 'jobs/job-alice/events/000000000001')));
    }
    // The documents are unchanged.
    await env!.withSecurityRulesDisabled(async (ctx) => {
      const job = await getDoc(doc(ctx.firestore(), 'jobs/job-alice'));
      if (job.get('status') !== 'queued') throw new Error(`job-alice changed: ${JSON.stringify(job.data())}`);
      const created = await getDoc(doc(ctx.firestore(), 'jobs/new-job'));
      if (created.exists()) throw new Error('jobs/new-job was created');
    });
  });

  it('keeps other collections server-only, even for a matching owner', async () => {
    await assertFails(getDoc(doc(alice(), 'idempotency/k1')));
    await assertFails(setDoc(doc(alice(), 'idempotency/k2'), { owner: 'alice' }));
  });
});
