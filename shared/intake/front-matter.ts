// The optional front matter of a prompt file: a leading `---` … `---` block of YAML `key: value`
// lines. Parsed with the `yaml` library in its safe mode: YAML 1.2 core schema (strings, numbers,
// booleans, null, maps, lists), no custom tags, no merge keys, no aliases, unique keys.
import { parseDocument } from 'yaml';

export class FrontMatterError extends Error {
  override name = 'FrontMatterError';
}

export interface SplitPromptFile {
  /** The parsed block, or null when the file has none. */
  frontMatter: Record<string, unknown> | null;
  /** The text after the block (the whole text without one). */
  body: string;
}

const FENCE = /^---[ \t]*$/;

/** Splits and parses the front matter; throws FrontMatterError with a message for the uploader. */
export function splitFrontMatter(text: string): SplitPromptFile {
  const lines = text.split('\n');
  if (!FENCE.test(stripCr(lines[0] ?? ''))) return { frontMatter: null, body: text };
  const end = lines.findIndex((line, i) => i > 0 && FENCE.test(stripCr(line)));
  if (end < 0) throw new FrontMatterError('front matter starts with "---" on the first line but has no closing "---" line');
  const yamlText = lines.slice(1, end).map(stripCr).join('\n');
  const body = lines.slice(end + 1).join('\n');
  return { frontMatter: parseYamlMap(yamlText), body };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function parseYamlMap(source: string): Record<string, unknown> {
  const doc = parseDocument(source, { schema: 'core', customTags: [], merge: false, uniqueKeys: true, strict: true, prettyErrors: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new FrontMatterError(`front matter is not valid YAML: ${problem.message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    throw new FrontMatterError(`front matter is not valid YAML: ${err instanceof ReferenceError ? 'aliases are not allowed' : (err as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new FrontMatterError('front matter must be YAML "key: value" lines (a mapping)');
  return value as Record<string, unknown>;
}
