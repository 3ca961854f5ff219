// Adds a terminal job's usage to its owner's day, exactly once whatever the redeliveries of its
// result: one atomic batched write creates the marker usage_records/{job_id} and increments the day;
// a second writer's create fails ALREADY_EXISTS and nothing of its batch is applied. No reads, so a
// storm of duplicates never contends (a read-then-write transaction would abort under it).
import { FieldValue, Timestamp, type Firestore } from '@google-cloud/firestore';
import type { ResultMessage } from '../jobs/result-message.js';
import { USAGE_COLLECTION, USAGE_DAY_TTL_DAYS, USAGE_RECORDS_COLLECTION, usageDayId, utcDate } from './usage-day.js';

export type RecordVerdict = 'recorded' | 'duplicate' | 'no_owner';

const ALREADY_EXISTS = 6;

export class FirestoreUsageLedger {
  constructor(
    readonly db: Firestore,
    /** Days a marker is kept: as long as the job, so any republished result is still recognised. */
    readonly recordTtlDays: number,
  ) {}

  /** Counts the result's usage (zero for a job that never ran) on its owner's UTC day of completion. */
  async record(result: Pick<ResultMessage, 'job_id' | 'owner' | 'usage' | 'execution_time_ms' | 'completed_at' | 'status'>): Promise<RecordVerdict> {
    if (!result.owner) return 'no_owner';
    const date = utcDate(result.completed_at);
    const u = result.usage;
    const costMicro = u?.cost_usd === undefined ? 0 : Math.round(u.cost_usd * 1e6);
    const now = Date.now();
    const batch = this.db.batch();
    batch.create(this.db.collection(USAGE_RECORDS_COLLECTION).doc(result.job_id), {
      job_id: result.job_id,
      owner: result.owner,
      date,
      status: result.status,
      total_tokens: u?.total_tokens ?? 0,
      cost_micro_usd: costMicro,
      recorded_at: new Date(now).toISOString(),
      expire_at: Timestamp.fromMillis(now + this.recordTtlDays * 86_400_000),
    });
    batch.set(
      this.db.collection(USAGE_COLLECTION).doc(usageDayId(result.owner, date)),
      {
        owner: result.owner,
        date,
        month: date.slice(0, 7),
        jobs: FieldValue.increment(1),
        input_tokens: FieldValue.increment(u?.input_tokens ?? 0),
        cached_input_tokens: FieldValue.increment(u?.cached_input_tokens ?? 0),
        output_tokens: FieldValue.increment(u?.output_tokens ?? 0),
        reasoning_output_tokens: FieldValue.increment(u?.reasoning_output_tokens ?? 0),
        total_tokens: FieldValue.increment(u?.total_tokens ?? 0),
        cost_micro_usd: FieldValue.increment(costMicro),
        run_ms: FieldValue.increment(Math.max(0, result.execution_time_ms ?? 0)),
        expire_at: Timestamp.fromMillis(Date.parse(`${date}T00:00:00Z`) + USAGE_DAY_TTL_DAYS * 86_400_000),
      },
      { merge: true },
    );
    try {
      await batch.commit();
      return 'recorded';
    } catch (err) {
      if ((err as { code?: number }).code === ALREADY_EXISTS) return 'duplicate';
      throw err;
    }
  }
}
