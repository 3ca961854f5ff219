// codex-jobs/client: the SDK's public surface.
export { CodexJobs, SDK_VERSION, type CodexJobsOptions } from './codex-jobs.js';
export { CodexJobsError, type CodexJobsErrorCode, type ErrorDetail } from './errors.js';
export { JobList, type WaitOptions, type DownloadOptions } from './jobs-api.js';
export type { StreamOptions } from './job-stream.js';
export type { UploadResult } from './uploads-api.js';
export { EnvironmentsApi, type EnvironmentView, type EnvironmentSpecInput } from './environments-api.js';
export { verifyWebhook } from './webhook-verify.js';
export type * from './types.js';
