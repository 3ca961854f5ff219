// The wire shapes of POST /forge/github (its answers, the headers GitHub sends), for the route and
// the OpenAPI document.
import { z } from 'zod';

export const forgeAnswerSchema = z.union([
  z.object({ job_id: z.string().describe('the job this delivery made (a redelivery answers the same job)') }).strict(),
  z.object({ ignored: z.string().describe('why the delivery makes no job (event, repository, author, phrase)') }).strict(),
]);
export type ForgeAnswer = z.infer<typeof forgeAnswerSchema>;

export const githubDeliveryHeadersSchema = z.object({
  'x-hub-signature-256': z.string().describe('sha256=<hex HMAC-SHA256 of the body with GITHUB_WEBHOOK_SECRET>'),
  'x-github-event': z.string().describe('issue_comment, pull_request_review_comment, issues; others are ignored'),
  'x-github-delivery': z.string().describe('the delivery GUID; the job id is derived from it'),
});
