// Awaits a job document state through a Firestore listener (no polling, no sleeps).
import type { Firestore } from '@google-cloud/firestore';
import { fromFirestore } from '../../shared/store/firestore-job-store.js';
import type { JobDocument } from '../../shared/jobs/job-document.js';
import { isTerminal } from '../../shared/jobs/job-status.js';

export function waitForJob(firestore: Firestore, jobId: string, predicate: (job: JobDocument) => boolean = (j) => isTerminal(j.status), timeoutMs = 300_000): Promise<JobDocument> {
  return new Promise((resolve, reject) => {
    let last: JobDocument | undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`job ${jobId} did not reach the expected state in ${timeoutMs} ms; last: ${last ? `${last.status} ${JSON.stringify(last.error)} ${last.progress.stage}` : 'no document'}`));
    }, timeoutMs);
    const unsubscribe = firestore
      .collection('jobs')
      .doc(jobId)
      .onSnapshot(
        (snap) => {
          if (!snap.exists) return;
          last = fromFirestore(snap.data()!);
          if (predicate(last)) {
            clearTimeout(timer);
            unsubscribe();
            resolve(last);
          }
        },
        (err) => {
          clearTimeout(timer);
          reject(err);
        },
      );
  });
}
