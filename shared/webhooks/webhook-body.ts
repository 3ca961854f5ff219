// The webhook body: the contract's fields of the codex-results message, nothing internal
// (callback_url, owner, metadata and created_files stay out of what a receiver sees).
import type { z } from 'zod';
import { resultMessageSchema, type ResultMessage } from '../jobs/result-message.js';

export const webhookBodySchema = resultMessageSchema.pick({
  job_id: true,
  status: true,
  exit_code: true,
  final_message: true,
  stdout: true,
  stderr: true,
  execution_time_ms: true,
  output_files: true,
  usage: true,
  completed_at: true,
  error: true,
  changes: true,
  delivery: true,
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;

/** The exact bytes that are signed and sent; the same on every attempt. */
export function webhookBodyText(result: ResultMessage): string {
  return JSON.stringify(webhookBodySchema.parse(result));
}
