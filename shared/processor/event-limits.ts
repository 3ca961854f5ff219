// Bounds on what one job event holds, so every event fits in a Firestore document (1 MiB) and a batch
// of them fits in one commit: each string field is cut to EVENT_TEXT_LIMIT characters, each array to
// EVENT_ARRAY_LIMIT entries, nesting past EVENT_DEPTH_LIMIT is dropped, and an event still bigger than
// EVENT_MAX_BYTES keeps only a note of its size. A cut field is marked `…[cut: N more characters]`.
export const EVENT_TEXT_LIMIT = 16 * 1024;
export const EVENT_ARRAY_LIMIT = 500;
export const EVENT_DEPTH_LIMIT = 8;
export const EVENT_MAX_BYTES = 256 * 1024;

function cutValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > EVENT_TEXT_LIMIT ? `${value.slice(0, EVENT_TEXT_LIMIT)}…[cut: ${value.length - EVENT_TEXT_LIMIT} more characters]` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= EVENT_DEPTH_LIMIT) return '[cut: nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, EVENT_ARRAY_LIMIT).map((v) => cutValue(v, depth + 1));
    return value.length > EVENT_ARRAY_LIMIT ? [...kept, `[cut: ${value.length - EVENT_ARRAY_LIMIT} more entries]`] : kept;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[key] = cutValue(v, depth + 1);
  return out;
}

/** The event data as stored: within every limit above. */
export function boundedEventData(data: Record<string, unknown>): Record<string, unknown> {
  const cut = cutValue(data, 0) as Record<string, unknown>;
  const bytes = Buffer.byteLength(JSON.stringify(cut));
  if (bytes <= EVENT_MAX_BYTES) return cut;
  // Still too big (many long fields): keep its scalar identifiers and say what was dropped.
  const kept: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(cut)) if (typeof v !== 'object' && (typeof v !== 'string' || v.length <= 256)) kept[key] = v;
  return { ...kept, cut: `event data of ${bytes} bytes over the ${EVENT_MAX_BYTES}-byte event limit` };
}
