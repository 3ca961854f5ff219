// Reads one generation of an uploaded object, streamed, with a byte cap counted on bytes received.
import { createWriteStream } from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { File } from '@google-cloud/storage';

/** The object (that generation) no longer exists: nothing to do for this event. */
export class ObjectGoneError extends Error {
  override name = 'ObjectGoneError';
}

export class ObjectTooLargeError extends Error {
  override name = 'ObjectTooLargeError';
}

function cappedMeter(cap: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > cap) done(new ObjectTooLargeError(`more than ${cap} bytes`));
      else done(null, chunk);
    },
  });
}

function translate(err: unknown): unknown {
  return (err as { code?: unknown }).code === 404 ? new ObjectGoneError((err as Error).message) : err;
}

/** The object's bytes; ObjectTooLargeError past `cap`, ObjectGoneError when it was deleted meanwhile. */
export async function readObject(file: File, cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    await pipeline(file.createReadStream(), cappedMeter(cap), sink);
  } catch (err) {
    throw translate(err);
  }
  return Buffer.concat(chunks);
}

/** Streams the object into `dest` (a new file in a private temp dir), with the same cap and errors. */
export async function downloadObject(file: File, dest: string, cap: number): Promise<void> {
  try {
    await pipeline(file.createReadStream(), cappedMeter(cap), createWriteStream(dest, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    throw translate(err);
  }
}

/** A read stream of the object for streaming parsers; errors are translated the same way. */
export function objectStream(file: File, cap: number): Readable {
  const meter = cappedMeter(cap);
  const source = file.createReadStream();
  source.on('error', (err) => meter.destroy(translate(err) as Error));
  return source.pipe(meter);
}
