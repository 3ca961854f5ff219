// A git host for tests: git http-backend (git-http-server.ts) for clone and push, and the GitHub API
// stand-in over the same repositories. Git accepts the stand-in's personal token and the
// installation tokens it issued for that repository, nothing else.
import { makeFixtureRepository, startGitHttpServer, type GitHttpServer } from '../git-http-server.js';
import { startGitHubStandin, type GitHubStandin, type StandinOptions } from './github-standin.js';

export interface GitHubWorld {
  git: GitHttpServer;
  api: GitHubStandin;
  /** `host:port` of the git URLs (for FORGE_HOSTS, GIT_CREDENTIALS, GIT_ALLOWLIST). */
  gitHost: string;
  /** A fixture repository (makeFixtureRepository) on both sides; its commits. */
  repository(owner: string, name: string, options?: { installationId?: number }): Promise<Awaited<ReturnType<typeof makeFixtureRepository>> & { url: string }>;
  close(): Promise<void>;
}

export async function startGitHubWorld(options: Omit<StandinOptions, 'gitUrl' | 'gitRoot'> = {}): Promise<GitHubWorld> {
  let api: GitHubStandin | undefined; // eslint-disable-line prefer-const -- set after the git server it checks passwords for
  const git = await startGitHttpServer({ accepts: (password, repository) => api?.acceptsGitPassword(password, repository) ?? false });
  api = await startGitHubStandin({ ...options, gitUrl: git.url, gitRoot: git.root });
  const standin = api;
  return {
    git,
    api: standin,
    gitHost: new URL(git.url).host,
    async repository(owner, name, repoOptions = {}) {
      const commits = await makeFixtureRepository(git.root, `${owner}/${name}`);
      const repo = standin.addRepository({ owner, name, ...repoOptions });
      return { ...commits, url: repo.cloneUrl };
    },
    async close() {
      await standin.close();
      await git.close();
    },
  };
}
