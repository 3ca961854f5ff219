// Output file paths from the URL: relative, inside the job's outputs folder, nothing that could
// climb out of it (`..`, `.`, empty segments, backslashes, control characters), whatever the encoding.
import { ApiError } from './api-error.js';

export function outputsPrefix(jobId: string): string {
  return `jobs/${jobId}/outputs/`;
}

/** The object name for a decoded relative path, or a 400 naming the problem. */
export function outputObjectName(jobId: string, relative: string): string {
  const bad = (why: string) => new ApiError('bad_request', `output path ${why}`, [{ field: 'path', message: why }]);
  if (relative.length === 0 || relative.length > 1024) throw bad('must be 1 to 1024 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f\\]/.test(relative)) throw bad('must not contain control characters or backslashes');
  if (relative.startsWith('/')) throw bad('must be relative');
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw bad('must not contain empty, `.` or `..` segments');
    if (/%2e|%2f|%5c/i.test(segment)) throw bad('must not be encoded twice');
  }
  return outputsPrefix(jobId) + relative;
}

/** The URL path of an output file: each segment percent-encoded. */
export function outputUrlPath(jobId: string, relative: string): string {
  return `/jobs/${encodeURIComponent(jobId)}/outputs/${relative.split('/').map(encodeURIComponent).join('/')}`;
}
