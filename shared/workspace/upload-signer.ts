// A V4 signed PUT URL of gs://UPLOADS_BUCKET/inputs/{owner}/{upload_id}, where the function's
// identity can sign (a key, or IAM signBlob on its own service account: Terraform grants
// roles/iam.serviceAccountTokenCreator on itself). The size is bounded by the
// x-goog-content-length-range header the client must send.
import type { Storage } from '@google-cloud/storage';
import { UPLOAD_MAX_BYTES } from './upload-object.js';

export interface SignedUpload {
  url: string;
  headers: Record<string, string>;
}

export type UploadSigner = (bucket: string, name: string, expiresAt: Date) => Promise<SignedUpload>;

export const UPLOAD_CONTENT_TYPE = 'application/octet-stream';

export function gcsUploadSigner(storage: Storage): UploadSigner {
  return async (bucket, name, expiresAt) => {
    const headers = { 'content-type': UPLOAD_CONTENT_TYPE, 'x-goog-content-length-range': `0,${UPLOAD_MAX_BYTES}` };
    const [url] = await storage.bucket(bucket).file(name).getSignedUrl({
      version: 'v4',
      action: 'write',
      expires: expiresAt,
      contentType: UPLOAD_CONTENT_TYPE,
      extensionHeaders: { 'x-goog-content-length-range': headers['x-goog-content-length-range'] },
    });
    return { url, headers };
  };
}
