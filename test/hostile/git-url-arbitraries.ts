// Hostile `workspace.git` values, each with the field a correct API must name when it refuses it (or
// null: a public https repository, which must be accepted; or 'either': no verdict, only the
// universal rules). URLs are built from parts (scheme, credentials, host, port, path) so a refusal
// is known from the part that calls for it; the host names are read by hostileResolve below, the
// suite's DNS, which maps some of them to private, loopback, metadata or IPv4-carrying addresses.
import fc from 'fast-check';

export type Refusal = 'workspace.git.url' | 'workspace.git.ref' | 'workspace.git.depth' | null | 'either';

export interface GitCase {
  git: Record<string, unknown>;
  refuse: Refusal;
}

export const PUBLIC_ADDRESSES = ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'];

/** The first label decides: `loop.example.com` resolves to 127.0.0.1, and so on; other names to public addresses. */
const DNS: Record<string, string[] | 'nxdomain' | 'never'> = {
  loop: ['127.0.0.1'],
  ten: ['10.1.2.3'],
  meta: ['169.254.169.254'],
  compat6: ['::7f00:1'],
  mapped6: ['::ffff:10.0.0.1'],
  nat64: ['64:ff9b::a9fe:a9fe'],
  ula: ['fd00::1'],
  zero: ['0.0.0.0'],
  mixed: ['93.184.216.34', '192.168.0.1'],
  notip: ['not-an-address'],
  none: [],
  nxdomain: 'nxdomain',
  slow: 'never',
};

export async function hostileResolve(host: string): Promise<string[]> {
  const answer = DNS[host.split('.')[0]!] ?? PUBLIC_ADDRESSES;
  if (answer === 'nxdomain') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  if (answer === 'never') return new Promise<string[]>(() => undefined);
  return answer;
}

/** True when hostileResolve gives `host` only public addresses (the universal rule for an accepted URL). */
export function resolvesPublic(host: string): boolean {
  const answer = DNS[host.split('.')[0]!];
  return answer === undefined;
}

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/).filter((l) => !(l in DNS));
const publicHost = fc.oneof(
  label.map((l) => `${l}.example.com`),
  label.map((l) => `git.${l}.org`),
  fc.constantFrom('github.com', 'gitlab.com', 'GitHub.com', 'xn--bcher-kva.example', 'bücher.example', '93.184.216.34', '[2606:2800:220:1:248:1893:25c8:1946]'),
);
// Names and literals the address rules refuse whatever DNS says (URL parsing included: fullwidth,
// circled digits, ideographic dots and percent-encoding all turn into these).
const REFUSED_HOSTS = [
  'localhost', 'LOCALHOST', 'localhost.', 'a.localhost', 'ｌｏｃａｌｈｏｓｔ', '%6c%6f%63%61%6c%68%6f%73%74', 'metadata.google.internal', 'metadata', 'metadata.goog', 'intranet', 'git.internal', 'nas.local', 'router.home.arpa',
  '127.0.0.1', '127.1', '0x7f.1', '0x7f000001', '2130706433', '017700000001', '0', '0.0.0.0', '①②⑦.0.0.1', '127。0。0。1', '10.0.0.1', '192.168.1.1', '172.16.0.1', '100.64.0.1', '169.254.169.254', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.0.1', '240.0.0.1',
  '[::1]', '[::]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::127.0.0.1]', '[::a9fe:a9fe]', '[64:ff9b::127.0.0.1]', '[64:ff9b:1::a00:1]', '[fe80::1]', '[fc00::1]', '[fd12:3456::1]', '[2002:7f00:1::1]', '[2001:0:4136:e378:8000:63bf:3fff:fdd2]', '[ff02::1]', '[100::1]', '[2001:db8::1]', '[::ffff:169.254.169.254]', '[0:0:0:0:0:ffff:10.0.0.1]',
  // Names this suite's DNS (above) maps to refused addresses, or to none.
  ...Object.keys(DNS).map((l) => `${l}.example.com`),
];
const refusedHost = fc.constantFrom(...REFUSED_HOSTS);
const refusedHosts = new Set(REFUSED_HOSTS);

const GOOD_PATHS = ['/owner/repo.git', '/owner/repo', '/r.git', '/a/b/c/d.git'];
const goodPath = fc.constantFrom(...GOOD_PATHS);
// Harmless once parsed (the URL normalises `..`; git takes the whole URL as one argument), so any verdict.
const oddPath = fc.constantFrom('/../../etc/passwd', '/%2e%2e/%2e%2e/etc', '/--upload-pack=touch%20/tmp/pwned', '/x;id', '/x?--upload-pack=touch', '/x#-c', '/repo.git/../..', '/%00');
const longPath = fc.constant('/' + 'a'.repeat(2100));
const scheme = fc.constantFrom('https', 'https', 'https', 'HTTPS', 'http', 'file', 'ssh', 'git', 'ext', 'ftp', 'git+ssh', 'ssh+git', 'fd', 'javascript', 'data');
const credentials = fc.constantFrom('', '', '', 'user:pass@', 'token@', ':pw@', 'x-access-token:ghp_123@', '%40:%40@');
// :0 and :22 parse (git then fails to connect): any verdict. The last four are no port at all.
const port = fc.constantFrom('', '', ':443', ':8443', ':0', ':22', ':65536', ':99999', ':-1', ':a');

interface UrlParts {
  scheme: string;
  credentials: string;
  host: string;
  port: string;
  path: string;
}

function verdict(p: UrlParts): { url: string; refuse: Refusal } {
  const url = `${p.scheme}://${p.credentials}${p.host}${p.port}${p.path}`;
  const refused = p.scheme.toLowerCase() !== 'https' || p.credentials !== '' || /^:(65536|99999|-1|a)$/.test(p.port) || refusedHosts.has(p.host) || url.length > 2048;
  const sure = GOOD_PATHS.includes(p.path) && p.port !== ':0' && p.port !== ':22';
  return { url, refuse: refused ? 'workspace.git.url' : sure ? null : 'either' };
}

const goodParts = fc.record({ scheme: fc.constantFrom('https', 'HTTPS'), credentials: fc.constant(''), host: publicHost, port: fc.constantFrom('', ':443', ':8443'), path: goodPath });
// A good URL with one part spoiled (the host most often): each refusal rule is met on its own.
const oneBadPart = fc
  .tuple(goodParts, fc.oneof({ arbitrary: refusedHost.map((host) => ({ host })), weight: 4 }, scheme.filter((x) => x.toLowerCase() !== 'https').map((x) => ({ scheme: x })), credentials.filter(Boolean).map((credentials) => ({ credentials })), fc.constantFrom(':65536', ':99999', ':-1', ':a').map((port) => ({ port }))))
  .map(([good, bad]) => verdict({ ...good, ...bad }));
const builtUrl: fc.Arbitrary<{ url: string; refuse: Refusal }> = fc.oneof(
  { arbitrary: oneBadPart, weight: 3 },
  { arbitrary: goodParts.map(verdict), weight: 1 },
  // Every part drawn at random: combinations, odd paths, a URL over 2048 characters.
  { arbitrary: fc.record({ scheme, credentials, host: fc.oneof(publicHost, refusedHost), port, path: fc.oneof(goodPath, goodPath, oddPath, longPath) }).map(verdict), weight: 1 },
);

/** Whole strings git would read as something else: options, transports, scp-like and local paths. */
const rawUrl = fc.constantFrom(
  'ext::sh -c touch% /tmp/pwned', '--upload-pack=touch /tmp/pwned', '-uhttps://github.com/o/r', '--config=core.sshCommand=touch /tmp/x', 'git@github.com:o/r.git', 'github.com:o/r.git', 'user@93.184.216.34:r.git',
  '/etc/passwd', './repo', '../repo', '~/repo', 'fd::17', 'file:///etc', 'file://localhost/etc', 'transport::x', 'https://', 'https:', 'https://@/', 'https://[::1', 'https://[]/r', ' ', '\u0000', 'https://a b.example.com/r',
);

const validRef = fc.constantFrom('main', 'v1.2.3', 'feature/x-y', 'release/2024.01', 'a@b', '0123456789abcdef0123456789abcdef01234567');
const invalidRef = fc.constantFrom('-x', '--upload-pack=touch /tmp/x', '--output=/tmp/x', 'a..b', '../../etc/passwd', 'a@{1}', '@', 'x.lock', 'a/', '/a', 'a//b', '.hidden', 'a/.b', 'a.', 'a\u0000b', 'a\u0001b', 'a\u007fb', 'a\tb', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', '', 'x'.repeat(257));
const validDepth = fc.integer({ min: 0, max: 1_000_000 });
const invalidDepth = fc.constantFrom<unknown>(-1, 1.5, 1_000_001, 1e21, '1', null, true, []);

export const gitCase: fc.Arbitrary<GitCase> = fc.oneof(
  {
    arbitrary: fc.record({ u: builtUrl, ref: fc.option(validRef, { nil: undefined }), depth: fc.option(validDepth, { nil: undefined }) }).map(({ u, ref, depth }) => ({ git: { url: u.url, ...(ref === undefined ? {} : { ref }), ...(depth === undefined ? {} : { depth }) }, refuse: u.refuse })),
    weight: 4,
  },
  rawUrl.map((url) => ({ git: { url }, refuse: 'workspace.git.url' as const })),
  invalidRef.map((ref) => ({ git: { url: 'https://github.com/o/r.git', ref }, refuse: 'workspace.git.ref' as const })),
  invalidDepth.map((depth) => ({ git: { url: 'https://github.com/o/r.git', depth }, refuse: 'workspace.git.depth' as const })),
  // Anything at all: only the universal rules (no 5xx; whatever is accepted is safe). https:///r.git
  // is https://r.git/ to a URL parser: a public host, whatever it looks like.
  fc.record({ url: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string({ maxLength: 80 }), fc.constantFrom('https:///r.git', 'https:\\\\github.com\\o\\r')), ref: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }) }).map((g) => ({ git: g.ref === undefined ? { url: g.url } : g, refuse: 'either' as const })),
);
