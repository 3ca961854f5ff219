// The whole file list of a job's changes, read from result.json in the results bucket as a stream:
// result.json also holds the whole stdout, stderr and final message, which can be far bigger than
// the list, so only the tokens under result.changes.files are kept, one file at a time. The one
// place the API reads result.json.
import { pipeline, Transform, type Readable } from 'node:stream';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { changedFileSchema, type ChangedFile } from '../workspace/workspace-schemas.js';

interface Token {
  name: string;
  value?: unknown;
}

/**
 * Strings are read in chunks (a packed 100 MB stdout would be one 100 MB string); the assembler wants
 * them whole, and under result.changes.files they are paths, so they are packed again after the pick.
 */
function packStrings(): Transform {
  let text: string[] | null = null;
  return new Transform({
    objectMode: true,
    transform(token: Token, _enc, done) {
      if (token.name === 'startString') text = [];
      else if (token.name === 'stringChunk') text?.push(token.value as string);
      else if (token.name === 'endString') {
        done(null, { name: 'stringValue', value: (text ?? []).join('') });
        text = null;
        return;
      } else {
        done(null, token);
        return;
      }
      done();
    },
  });
}

function resultObjectName(jobId: string): string {
  return `jobs/${jobId}/result.json`;
}

/** Each entry of result.changes.files in result.json, in order. */
export async function* resultChangedFiles(blobs: BlobStore, bucket: string, jobId: string): AsyncGenerator<ChangedFile> {
  // pipeline() destroys every stage when one fails or the reader stops, and the error reaches the loop.
  const items: Readable = pipeline(
    blobs.readStream(bucket, resultObjectName(jobId)),
    parser.asStream({ packKeys: true, packNumbers: true, packStrings: false, streamKeys: false, streamNumbers: false, streamStrings: true }),
    pick.asStream({ filter: 'result.changes.files' }),
    packStrings(),
    streamArray.asStream(),
    () => undefined,
  );
  for await (const item of items) yield changedFileSchema.parse((item as { value: unknown }).value);
}
