// A job as GET /jobs lists it (contract v4): the document without `prompt` (in its place
// `prompt_preview`, its first 200 characters), `output_schema` and the result's texts. GET /jobs/{id}
// has everything. The Firestore field mask below is derived from the schemas, so a field added to the
// document is listed too, and the big fields never reach the API (a select cannot slice a string:
// prompt_preview is stored on the document when it is written).
import { z } from 'zod';
import { jobDocumentSchema, jobResultSchema, type JobDocument } from './job-document.js';

export const PROMPT_PREVIEW_CHARS = 200;

// environment_secrets: sealed, internal, never returned (job-document.ts publicJob).
const OMITTED = { prompt: true, output_schema: true, environment_secrets: true } as const;
const OMITTED_RESULT = { final_message: true, stdout: true, stderr: true, structured_output: true } as const;

export const jobSummaryResultSchema = jobResultSchema.omit(OMITTED_RESULT);
export const jobSummarySchema = jobDocumentSchema.omit(OMITTED).extend({
  prompt_preview: z.string().max(PROMPT_PREVIEW_CHARS * 2).describe(`the first ${PROMPT_PREVIEW_CHARS} characters of the prompt (GET /jobs/{id} has it whole)`),
  result: jobSummaryResultSchema.nullable(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

/** The first PROMPT_PREVIEW_CHARS characters (code points: a preview never ends in half a surrogate pair). */
export function promptPreview(prompt: string): string {
  if (prompt.length <= PROMPT_PREVIEW_CHARS) return prompt;
  let out = '';
  let n = 0;
  for (const ch of prompt) {
    if (n++ === PROMPT_PREVIEW_CHARS) break;
    out += ch;
  }
  return out;
}

/** The Firestore field paths a summary is read with (Query.select). */
export const SUMMARY_FIELD_MASK: readonly string[] = [
  ...Object.keys(jobDocumentSchema.shape).filter((k) => !(k in OMITTED) && k !== 'result'),
  'prompt_preview',
  ...Object.keys(jobResultSchema.shape)
    .filter((k) => !(k in OMITTED_RESULT))
    .map((k) => `result.${k}`),
];

/** A whole document as a summary (what a list shows of a job the caller already holds). */
export function summaryOf(job: JobDocument): JobSummary {
  return jobSummarySchema.parse({ ...job, prompt_preview: promptPreview(job.prompt) });
}
