// The `workspace` of a job request at submit time: an upload must be the caller's own and have its
// bytes (an upload PUT straight to a signed URL is checked in the bucket and marked complete here);
// a git URL must pass the address rules. Each refusal is a 400 naming the field.
import { ACCEPTED_FORMATS_TEXT, archiveFormatOf, FORMAT_SNIFF_BYTES } from '../workspace/archive-format.js';
import { checkGitUrl, GitUrlError } from '../workspace/git-url-policy.js';
import { UPLOAD_MAX_BYTES, uploadObjectName } from '../workspace/upload-object.js';
import { completeUpload, ownUpload } from '../workspace/upload-records.js';
import type { WorkspaceRequest } from '../workspace/workspace-schemas.js';
import type { ApiDeps } from './api-deps.js';
import { ApiError } from './api-error.js';

function refuse(field: string, message: string): ApiError {
  return new ApiError('bad_request', message, [{ field, message }]);
}

async function firstBytes(deps: ApiDeps, bucket: string, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = deps.blobs.readStream(bucket, name);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= FORMAT_SNIFF_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, FORMAT_SNIFF_BYTES);
}

export async function checkWorkspace(deps: ApiDeps, owner: string, workspace: WorkspaceRequest): Promise<void> {
  if ('git' in workspace) {
    try {
      // The same DNS deadline as callback_url's (callback-check.ts): a slow resolver cannot hold a submit.
      await checkGitUrl(workspace.git.url, deps.config, deps.resolveHost, { timeoutMs: deps.tuning.dnsLookupTimeoutMs });
    } catch (err) {
      if (err instanceof GitUrlError) throw refuse('workspace.git.url', err.message);
      throw err;
    }
    return;
  }
  const id = workspace.upload_id;
  const record = await ownUpload(deps.firestore, owner, id);
  if (!record) throw refuse('workspace.upload_id', `workspace.upload_id ${id} is not an upload of yours (make one with POST /uploads)`);
  if (record.state === 'complete') return;
  const bucket = deps.config.UPLOADS_BUCKET;
  const name = uploadObjectName(owner, id);
  const info = await deps.blobs.info(bucket, name);
  if (!info) throw refuse('workspace.upload_id', `workspace.upload_id ${id} has no bytes yet: PUT the archive to its upload_url first`);
  if (info.size > UPLOAD_MAX_BYTES) throw refuse('workspace.upload_id', `workspace.upload_id ${id} is larger than ${UPLOAD_MAX_BYTES} bytes`);
  const format = archiveFormatOf(await firstBytes(deps, bucket, name));
  if (!format) throw refuse('workspace.upload_id', `workspace.upload_id ${id} is not ${ACCEPTED_FORMATS_TEXT}`);
  await completeUpload(deps.firestore, id, info.size, format);
}
