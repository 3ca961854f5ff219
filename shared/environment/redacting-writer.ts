// The object writer a job with secrets uploads its outputs, patch and result through: every byte
// passes the redactor on its way to the bucket, so a secret setup wrote into a file never leaves the
// job. It wraps the run's AttemptWriter (processor/holder-guard.ts), so the writes stay fenced.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { AttemptWriter } from '../processor/holder-guard.js';
import type { SecretRedactor } from './secret-redaction.js';

export type ObjectWriter = Pick<AttemptWriter, 'put' | 'uploadFile' | 'writeJson'>;

export function redactingWriter(writer: ObjectWriter, redactor: SecretRedactor): ObjectWriter {
  if (!redactor.active) return writer;
  const redacted = (source: Readable) => {
    const transform = redactor.stream();
    source.on('error', (err) => transform.destroy(err));
    return source.pipe(transform);
  };
  const put = (bucket: string, name: string, open: () => Readable, contentType: string) => writer.put(bucket, name, () => redacted(open()), contentType);
  return {
    put,
    uploadFile: (bucket, name, localPath, contentType) => put(bucket, name, () => createReadStream(localPath), contentType),
    writeJson: (bucket, name, value) => writer.writeJson(bucket, name, redactor.value(value)),
  };
}
