// Upload records: uploads/{upload_id} in Firestore says whose an upload is, whether its bytes have
// arrived, and until when its upload URL works. Only its owner can put bytes into it or start a job
// from it. The object itself expires with the bucket's lifecycle rule (inputs/ after 7 days).
import { randomBytes } from 'node:crypto';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import type { ArchiveFormat } from './archive-format.js';

export const UPLOADS_COLLECTION = 'uploads';
/** How long an upload URL accepts bytes. */
export const UPLOAD_URL_TTL_MS = 60 * 60 * 1000;
/** How long a record (and the object, by the bucket lifecycle) is kept. */
export const UPLOAD_RETENTION_DAYS = 7;

export const uploadRecordSchema = z.object({
  upload_id: z.string(),
  owner: z.string(),
  state: z.enum(['pending', 'complete']),
  created_at: z.string(),
  url_expires_at: z.string(),
  size_bytes: z.number().int().nullable(),
  format: z.enum(['zip', 'tar.gz', 'tar']).nullable(),
});
export type UploadRecord = z.infer<typeof uploadRecordSchema>;

export function newUploadId(): string {
  return randomBytes(16).toString('base64url');
}

export async function createUploadRecord(db: Firestore, owner: string, now = Date.now()): Promise<UploadRecord> {
  const record: UploadRecord = {
    upload_id: newUploadId(),
    owner,
    state: 'pending',
    created_at: new Date(now).toISOString(),
    url_expires_at: new Date(now + UPLOAD_URL_TTL_MS).toISOString(),
    size_bytes: null,
    format: null,
  };
  await db
    .collection(UPLOADS_COLLECTION)
    .doc(record.upload_id)
    .create({ ...record, expire_at: Timestamp.fromMillis(now + UPLOAD_RETENTION_DAYS * 86_400_000) });
  return record;
}

/** The record when `owner` made it; another owner's upload is reported as missing. */
export async function ownUpload(db: Firestore, owner: string, uploadId: string): Promise<UploadRecord | null> {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(uploadId)) return null;
  const snap = await db.collection(UPLOADS_COLLECTION).doc(uploadId).get();
  if (!snap.exists) return null;
  const parsed = uploadRecordSchema.safeParse(snap.data());
  if (!parsed.success || parsed.data.owner !== owner) return null;
  return parsed.data;
}

export async function completeUpload(db: Firestore, uploadId: string, sizeBytes: number, format: ArchiveFormat): Promise<void> {
  await db.collection(UPLOADS_COLLECTION).doc(uploadId).update({ state: 'complete', size_bytes: sizeBytes, format });
}
