// The open pull request of a branch is the one whose head is that branch of the repository's
// owner, whatever the host's list returns: a host that ignores the `head` filter (Gitea does)
// lists other branches' and forks' pull requests too, and none of them is taken for this branch's.
// Gitea's drafts are "WIP:" titles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { giteaTitle } from '../../../shared/delivery/gitea.js';
import { openGitHubPullRequest, type GitHubClient } from '../../../shared/delivery/github.js';

function pull(number: number, ref: string, owner: string) {
  return { number, html_url: `https://forge.example/octo/repo/pull/${number}`, head: { ref, repo: { owner: { login: owner } }, user: { login: owner } } };
}

/** A list that ignores `head` and returns these, and a create that answers #99; records every call. */
function clientListing(listed: unknown[]): { client: GitHubClient; calls: string[] } {
  const calls: string[] = [];
  const fetch = async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/repos/octo/repo/pulls' && init?.method === 'POST') return json(pull(99, 'codex-jobs/abc', 'octo'), 201);
    if (url.pathname === '/repos/octo/repo/pulls') return json(listed);
    if (url.pathname === '/repos/octo/repo') return json({ default_branch: 'main' });
    return json({ message: 'Not Found' }, 404);
  };
  const octokit = new Octokit({ baseUrl: 'https://forge.example', request: { fetch } });
  return { client: { octokit, owner: 'octo', repo: 'repo', credentials: { credentials: [], source: 'none' } }, calls };
}

const spec = { branch: 'codex-jobs/abc', title: 'Fix', body: 'b', draft: true };

test("another branch's open pull request listed first is not this branch's: a new one is opened", async () => {
  const { client, calls } = clientListing([pull(5, 'feature', 'octo'), pull(6, 'codex-jobs/abc', 'a-fork')]);
  const opened = await openGitHubPullRequest(client, spec);
  assert.deepEqual(opened, { created: true, pull_request: { number: 99, url: 'https://forge.example/octo/repo/pull/99' } });
  assert.ok(calls.includes('POST /repos/octo/repo/pulls'));
});

test("the branch's own open pull request is found behind others and reused", async () => {
  const { client, calls } = clientListing([pull(5, 'feature', 'octo'), pull(7, 'codex-jobs/abc', 'octo')]);
  const opened = await openGitHubPullRequest(client, spec);
  assert.deepEqual(opened, { created: false, pull_request: { number: 7, url: 'https://forge.example/octo/repo/pull/7' } });
  assert.ok(!calls.includes('POST /repos/octo/repo/pulls'), 'never a second one');
});

test('a Gitea draft is a WIP: title, once', () => {
  assert.equal(giteaTitle({ title: 'Fix it', draft: true }), 'WIP: Fix it');
  assert.equal(giteaTitle({ title: '[WIP] Fix it', draft: true }), '[WIP] Fix it');
  assert.equal(giteaTitle({ title: 'Fix it', draft: false }), 'Fix it');
});
