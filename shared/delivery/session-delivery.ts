// Where a session's changes were last delivered. It lives in the session's record (session.json,
// beside the workspace snapshot it describes: processor/session-store.ts), because the two must
// agree: a follow-up starts from that snapshot, so its commit goes on top of that snapshot's
// delivered commit, on the same branch, under the same pull request. A job that did not complete
// saves no snapshot, and so moves neither.
import { z } from 'zod';
import { deliveredPullRequestSchema } from './delivery-schemas.js';

export const sessionDeliverySchema = z.object({
  /** The repository's git URL. */
  url: z.string(),
  branch: z.string(),
  /** The commit the branch was left at: a follow-up's parent, and what the branch must still be at. */
  commit: z.string(),
  pull_request: deliveredPullRequestSchema.optional(),
});
export type SessionDelivery = z.infer<typeof sessionDeliverySchema>;
