// Hostile git workspaces: POST /jobs with `workspace.git` from git-url-arbitraries.ts, on the served
// API (production settings: GIT_ALLOWLIST empty, ALLOW_INSECURE_GIT off). A URL, ref or depth the
// case calls refused must be a 400 naming that field, at submit: no job, so nothing is ever fetched.
// A public https repository must be accepted. Whatever is accepted, generated or not, must be https
// without credentials to a public address (the suite's own reading, not the policy's code).
import { judge, WrongAnswer } from './http-verdict.js';
import { exchange } from './raw-http.js';
import { gitCase, hostileResolve, PUBLIC_ADDRESSES, resolvesPublic, type GitCase } from './git-url-arbitraries.js';
import { HOSTILE_KEYS, serveApi, type ServedApi } from './served-api.js';

let api: ServedApi | undefined;

/** Why an accepted workspace.git is unsafe, or undefined. */
function unsafeAccepted(git: Record<string, unknown>): string | undefined {
  let url: URL;
  try {
    url = new URL(String(git.url));
  } catch {
    return 'not a URL';
  }
  const ref = git.ref;
  // eslint-disable-next-line no-control-regex
  if (typeof ref === 'string' && (ref.startsWith('-') || ref.includes('..') || /[\x00-\x20\x7f]/.test(ref))) return `the ref ${JSON.stringify(ref)}`;
  if (url.protocol !== 'https:') return `scheme ${url.protocol}`;
  if (url.username || url.password) return 'credentials in the URL';
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[')) {
    const mappedPublic = '::ffff:5db8:d822'; // 93.184.216.34
    return [PUBLIC_ADDRESSES[1], mappedPublic].includes(host.slice(1, -1)) ? undefined : `the IPv6 literal ${host}`;
  }
  if (/^[\d.]+$/.test(host)) return host === PUBLIC_ADDRESSES[0] ? undefined : `the IPv4 literal ${host}`;
  if (!host.includes('.') || /(^|\.)(localhost|internal|local|home\.arpa)$/.test(host) || /^metadata(\.|$)/.test(host)) return `the internal name ${host}`;
  if (!resolvesPublic(host)) return `${host}, which resolves to a refused address`;
  return undefined;
}

async function submit(input: unknown): Promise<void> {
  const { git, refuse } = input as GitCase;
  const body = Buffer.from(JSON.stringify({ prompt: 'hostile git workspace', workspace: { git } }));
  const answer = await exchange(api!.url, { method: 'POST', path: '/jobs', headers: { 'x-api-key': HOSTILE_KEYS.alice, 'content-type': 'application/json' }, body, framing: 'length' });
  const { answer: a, fields, message } = await judge(api!, answer, 'POST /jobs with workspace.git');
  if (!a) throw new WrongAnswer(`no answer to a complete request for ${JSON.stringify(git).slice(0, 200)}`);
  const shown = JSON.stringify(git).slice(0, 200);
  if (a.status < 300) {
    const why = unsafeAccepted(git);
    if (why) throw new WrongAnswer(`accepted (${a.status}) ${why}: ${shown}`);
    if (refuse !== null && refuse !== 'either') throw new WrongAnswer(`accepted (${a.status}) what ${refuse} should refuse: ${shown}`);
    return;
  }
  if (refuse === null) throw new WrongAnswer(`refused a public https repository (${a.status} ${message}): ${shown}`);
  if (refuse !== 'either' && (a.status !== 400 || !fields.includes(refuse))) throw new WrongAnswer(`${a.status} naming ${fields.join(', ') || 'nothing'} (${message}), not ${refuse}: ${shown}`);
}

export const GIT_URL_ENTRY_POINT = {
  name: 'POST /jobs workspace.git (served API)',
  input: gitCase,
  run: submit,
  expected: () => false,
  open: async () => void (api = await serveApi(hostileResolve)),
  close: async () => {
    await api?.close();
    api = undefined;
  },
};
