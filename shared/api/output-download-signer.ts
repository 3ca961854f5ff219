// A V4 signed GET URL of one output object, where the API's identity can sign (IAM signBlob on its own
// service account through iamcredentials.googleapis.com, as for upload URLs; Terraform grants it). A
// large output is then read from Cloud Storage directly: Cloud Run caps a response with a
// Content-Length at 32 MiB, and a redirect costs the instance nothing.
import type { Storage } from '@google-cloud/storage';

export interface SignedDownload {
  url: string;
}

export type OutputSigner = (bucket: string, name: string, opts: { filename: string; contentType: string; expiresAt: Date }) => Promise<SignedDownload>;

export function gcsOutputSigner(storage: Storage): OutputSigner {
  return async (bucket, name, { filename, contentType, expiresAt }) => {
    const [url] = await storage.bucket(bucket).file(name).getSignedUrl({
      version: 'v4',
      action: 'read',
      expires: expiresAt,
      // The download keeps what the API would have sent: an attachment of the file's own name and type.
      responseDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
      responseType: contentType,
    });
    return { url };
  };
}
