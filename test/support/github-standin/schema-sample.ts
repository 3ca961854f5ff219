// A small value valid against an OpenAPI schema of the description: every required property, each
// with a plain value of its type (format-aware), then the caller's overrides laid over it. The
// stand-in builds its answers this way, so an answer has every field GitHub's schema requires and
// the values a test cares about; checkResponse proves each one valid.
import type { GitHubDescription } from './openapi-description.js';

type Json = Record<string, unknown>;

const STAMP = '2026-12-06T00:00:00Z';

export function sampleOf(description: GitHubDescription, schemaOrRef: unknown, overrides?: unknown, depth = 0): unknown {
  const schema = description.deref<Json>(schemaOrRef as Json) ?? {};
  if (overrides !== undefined && (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides))) return overrides;
  if (schema.allOf) {
    const merged = (schema.allOf as unknown[]).map((s) => sampleOf(description, s, undefined, depth + 1)).reduce<Json>((a, b) => ({ ...a, ...(b as Json) }), {});
    return overrides ? deepMerge(merged, overrides as Json) : merged;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (schema[key]) {
      const branches = schema[key] as unknown[];
      // An object branch when overrides are an object (they say which branch is meant).
      const pick = branches.find((b) => description.deref<Json>(b as Json).type === 'object' || description.deref<Json>(b as Json).properties) ?? branches[0];
      return sampleOf(description, pick, overrides, depth + 1);
    }
  }
  if (overrides === undefined && schema.nullable === true && depth > 0) return null;
  if (schema.enum) return (schema.enum as unknown[])[0];
  switch (schema.type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default: {
      const props = (schema.properties ?? {}) as Record<string, unknown>;
      const out: Json = {};
      for (const name of (schema.required ?? []) as string[]) out[name] = sampleOf(description, props[name] ?? {}, (overrides as Json | undefined)?.[name], depth + 1);
      for (const [name, value] of Object.entries((overrides as Json | undefined) ?? {})) {
        if (!(name in out)) out[name] = props[name] ? sampleOf(description, props[name], value, depth + 1) : value;
      }
      return out;
    }
  }
}

function stringOf(schema: Json): string {
  switch (schema.format) {
    case 'date-time':
      return STAMP;
    case 'uri':
    case 'url':
      return 'https://github.example/standin';
    case 'email':
      return 'standin@example.com';
    case 'uri-template':
      return 'https://github.example/standin{/x}';
    default:
      return typeof schema.minLength === 'number' ? 'x'.repeat(schema.minLength) : 'standin';
  }
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? deepMerge(out[k] as Json, v as Json) : v;
  }
  return out;
}
