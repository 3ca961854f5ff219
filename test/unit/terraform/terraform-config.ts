// The Terraform configuration of terraform/, parsed with @cdktf/hcl2json (no terraform binary is
// needed), merged across files, with a resolver for the `local.*` references the checks follow.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

/** The repository root (this file runs from dist/test/unit/terraform). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const terraformDir = path.join(repoRoot, 'terraform');

type Json = unknown;
export type Block = Record<string, Json>;

export interface TerraformConfig {
  /** resource type → name → the block's attributes. */
  resources: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  locals: Record<string, Json>;
  variables: Record<string, Block>;
  outputs: Record<string, Block>;
  terraform: Block[];
  /** provider name → its (default, un-aliased) configuration block. */
  providers: Record<string, Block>;
}

function single(blocks: Json, what: string): Block {
  if (!Array.isArray(blocks) || blocks.length !== 1) throw new Error(`${what} is declared ${Array.isArray(blocks) ? blocks.length : 0} times`);
  return blocks[0] as Block;
}

function addTyped(target: Record<string, Record<string, Block>>, parsed: Json, kind: string): void {
  for (const [type, byName] of Object.entries((parsed ?? {}) as Record<string, Record<string, Json>>)) {
    target[type] ??= {};
    for (const [name, blocks] of Object.entries(byName)) {
      if (target[type][name]) throw new Error(`${kind} ${type}.${name} is declared twice`);
      target[type][name] = single(blocks, `${kind} ${type}.${name}`);
    }
  }
}

export async function loadTerraform(dir = terraformDir): Promise<TerraformConfig> {
  const config: TerraformConfig = { resources: {}, data: {}, locals: {}, variables: {}, outputs: {}, terraform: [], providers: {} };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
    const parsed = (await parse(file, readFileSync(path.join(dir, file), 'utf8'))) as Record<string, Json>;
    addTyped(config.resources, parsed.resource, 'resource');
    addTyped(config.data, parsed.data, 'data');
    for (const block of (parsed.locals ?? []) as Block[]) {
      for (const [name, value] of Object.entries(block)) {
        if (name in config.locals) throw new Error(`local.${name} is declared twice`);
        config.locals[name] = value;
      }
    }
    for (const [name, blocks] of Object.entries((parsed.variable ?? {}) as Record<string, Json>)) config.variables[name] = single(blocks, `variable ${name}`);
    for (const [name, blocks] of Object.entries((parsed.output ?? {}) as Record<string, Json>)) config.outputs[name] = single(blocks, `output ${name}`);
    config.terraform.push(...((parsed.terraform ?? []) as Block[]));
    for (const [name, blocks] of Object.entries((parsed.provider ?? {}) as Record<string, Json>)) config.providers[name] = single(blocks, `provider ${name}`);
  }
  return config;
}

const localRef = /^\$\{local\.([A-Za-z0-9_.-]+)\}$/;

/**
 * Follows `${local.a.b}` references (recursively, inside objects and arrays too). Anything else
 * (`${var.x}`, function calls, resource attributes) stays the expression string it was.
 */
export function resolve(config: TerraformConfig, value: Json, seen: string[] = []): Json {
  if (typeof value === 'string') {
    const m = localRef.exec(value);
    if (!m) return value;
    if (seen.includes(m[1]!)) throw new Error(`local reference cycle: ${[...seen, m[1]].join(' → ')}`);
    let current: Json = config.locals;
    for (const part of m[1]!.split('.')) {
      if (current === null || typeof current !== 'object' || !(part in current)) throw new Error(`unknown local: local.${m[1]}`);
      current = (current as Record<string, Json>)[part];
    }
    return resolve(config, current, [...seen, m[1]!]);
  }
  if (Array.isArray(value)) return value.map((v) => resolve(config, v, seen));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(config, v, seen)]));
  }
  return value;
}

/** A resolved local as an object of objects (a table keyed by name). */
export function table<T = Record<string, Json>>(config: TerraformConfig, name: string): Record<string, T> {
  const value = resolve(config, `\${local.${name}}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`local.${name} is not an object`);
  return value as Record<string, T>;
}

/** A resource block, or an error naming what is missing. */
export function resource(config: TerraformConfig, type: string, name: string): Block {
  const block = config.resources[type]?.[name];
  if (!block) throw new Error(`resource ${type}.${name} is missing`);
  return block;
}

/** The first (only) nested block of a block attribute, as hcl2json gives blocks as arrays. */
export function nested(block: Block, name: string): Block {
  const value = block[name];
  if (!Array.isArray(value) || value.length === 0) throw new Error(`block ${name} is missing`);
  return value[0] as Block;
}

/** The content of a `dynamic "name"` block, with its for_each expression. */
export function dynamicBlock(block: Block, name: string): { forEach: string; content: Block } {
  const dyn = (block.dynamic as Record<string, Block[]> | undefined)?.[name]?.[0];
  if (!dyn) throw new Error(`dynamic block ${name} is missing`);
  return { forEach: String(dyn.for_each), content: nested(dyn, 'content') };
}

/** Substitutes `${var.project_id}` with a project id, for comparing names with config defaults. */
export function withProject(value: Json, project: string): Json {
  return typeof value === 'string' ? value.replaceAll('${var.project_id}', project) : value;
}
