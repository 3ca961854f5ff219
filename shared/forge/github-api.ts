// The GitHub calls of the intake and the notifier: a pull request's head (an issue_comment does not
// carry it), and the reply comment (create, then edit). Over an authenticated Octokit for the
// repository, made by shared/delivery (the GitHub App's installation token, else GIT_CREDENTIALS).
import { pullRequestResponseSchema, type PullRequestHead } from './github-events.js';

export interface GithubApi {
  getPull(repository: string, number: number): Promise<PullRequestHead>;
  /** The new comment's id. */
  createComment(repository: string, issueNumber: number, body: string): Promise<number>;
  updateComment(repository: string, commentId: number, body: string): Promise<void>;
}

/** The few REST methods used, as @octokit/rest names them. */
export interface OctokitLike {
  rest: {
    pulls: { get(params: { owner: string; repo: string; pull_number: number }): Promise<{ data: unknown }> };
    issues: {
      createComment(params: { owner: string; repo: string; issue_number: number; body: string }): Promise<{ data: { id: number } }>;
      updateComment(params: { owner: string; repo: string; comment_id: number; body: string }): Promise<unknown>;
    };
  };
}

function split(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

export function githubApiOver(octokit: OctokitLike): GithubApi {
  return {
    async getPull(repository, number) {
      const { data } = await octokit.rest.pulls.get({ ...split(repository), pull_number: number });
      return pullRequestResponseSchema.parse(data);
    },
    async createComment(repository, issueNumber, body) {
      const { data } = await octokit.rest.issues.createComment({ ...split(repository), issue_number: issueNumber, body });
      return data.id;
    },
    async updateComment(repository, commentId, body) {
      await octokit.rest.issues.updateComment({ ...split(repository), comment_id: commentId, body });
    },
  };
}
