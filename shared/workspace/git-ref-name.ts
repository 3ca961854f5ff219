// workspace.git.ref: a name git itself accepts as a branch or tag (git check-ref-format's rules), or
// a commit id. Checked at submit, so a ref git would refuse is a 400 there: it never reaches a
// network fetch, and a NUL byte never reaches spawn() (which throws on one: the job would fail as
// `internal` instead of the client being told).

/** Why `ref` is not a name git accepts, or undefined when it is one. */
export function gitRefProblem(ref: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(ref)) return 'ref must not contain spaces or control characters';
  if (/[~^:?*[\\]/.test(ref)) return 'ref must not contain any of ~^:?*[\\';
  // A leading - would be read as an option by the git commands the ref is passed to.
  if (ref.startsWith('-')) return 'ref must not start with -';
  if (ref.includes('..')) return 'ref must not contain ..';
  if (ref.includes('@{') || ref === '@') return 'ref must not contain @{ or be @';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return 'ref must not start or end with / or contain //';
  if (ref.endsWith('.')) return 'ref must not end with .';
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return 'no part of a ref may start with .';
    if (part.endsWith('.lock')) return 'no part of a ref may end with .lock';
  }
  return undefined;
}
