// Parses a `git diff --binary` patch (GET /jobs/{id}/changes.patch) into files and hunks for the
// diff view. Binary files are recognised (GIT binary patch / "Binary files … differ") and named,
// never decoded. Pure: no DOM, so the unit tests run it in Node.
export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed';

export interface DiffLine {
  kind: 'add' | 'del' | 'ctx' | 'note';
  text: string;
  oldNo?: number;
  newNo?: number;
}

export interface Hunk {
  header: string;
  lines: DiffLine[];
}

export interface PatchFile {
  path: string;
  oldPath: string | null;
  change: ChangeKind;
  binary: boolean;
  hunks: Hunk[];
  additions: number;
  deletions: number;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', r: '\r', v: '\v' };

/** Git quotes a path with special bytes as a C string ("a/caf\303\251"); this undoes it. */
export function unquotePath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"')) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...new TextEncoder().encode(c));
      continue;
    }
    const next = body[++i] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(ESCAPES[next] ?? next));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function stripPrefix(p: string): string | null {
  const path = unquotePath(p.trim());
  if (path === '/dev/null') return null;
  return path.replace(/^[ab]\//, '');
}

/** The two paths of a `diff --git a/X b/Y` line (used when no ---/+++ or rename lines say more). */
function pathsOfHeader(line: string): [string, string] {
  const rest = line.slice('diff --git '.length);
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest);
  if (quoted && (rest.startsWith('"') || rest.endsWith('"'))) return [stripPrefix(quoted[1]!) ?? '', stripPrefix(quoted[2]!) ?? ''];
  // Unquoted paths may hold spaces: a/X b/X with the same X on both sides is the common case.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) return [rest.slice(2, half), rest.slice(half + 3)];
  const at = rest.indexOf(' b/');
  return at < 0 ? [rest, rest] : [rest.slice(2, at), rest.slice(at + 3)];
}

export function parsePatch(patch: string): PatchFile[] {
  const files: PatchFile[] = [];
  let file: PatchFile | undefined;
  let hunk: Hunk | undefined;
  let oldNo = 0;
  let newNo = 0;
  let inBinary = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const [a, b] = pathsOfHeader(line);
      file = { path: b, oldPath: a, change: 'modified', binary: false, hunks: [], additions: 0, deletions: 0 };
      files.push(file);
      hunk = undefined;
      inBinary = false;
      continue;
    }
    if (!file) continue;
    if (inBinary) continue;
    if (hunk) {
      const c = line[0];
      if (c === '+' || c === '-' || c === ' ' || c === '\\') {
        if (c === '+') {
          hunk.lines.push({ kind: 'add', text: line.slice(1), newNo: newNo++ });
          file.additions++;
        } else if (c === '-') {
          hunk.lines.push({ kind: 'del', text: line.slice(1), oldNo: oldNo++ });
          file.deletions++;
        } else if (c === ' ') hunk.lines.push({ kind: 'ctx', text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
        else hunk.lines.push({ kind: 'note', text: line.slice(1).trim() });
        continue;
      }
      if (!line.startsWith('@@')) hunk = undefined;
    }
    const range = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (range) {
      oldNo = Number(range[1]);
      newNo = Number(range[2]);
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
    } else if (line.startsWith('new file mode')) file.change = 'added';
    else if (line.startsWith('deleted file mode')) file.change = 'deleted';
    else if (line.startsWith('rename from ')) {
      file.change = 'renamed';
      file.oldPath = unquotePath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) file.path = unquotePath(line.slice('rename to '.length));
    else if (line.startsWith('--- ')) file.oldPath = stripPrefix(line.slice(4)) ?? file.oldPath;
    else if (line.startsWith('+++ ')) file.path = stripPrefix(line.slice(4)) ?? file.path;
    else if (line === 'GIT binary patch' || /^Binary files .* differ$/.test(line)) {
      file.binary = true;
      inBinary = line === 'GIT binary patch';
    }
  }
  for (const f of files) if (f.change !== 'renamed') f.oldPath = f.change === 'added' ? null : f.path;
  return files;
}
