// MODEL_PRICES: what a model's tokens cost, `model=input:cached_input:output` in USD per million
// tokens, `;`-separated. A job's cost is computed from its usage when its result is built; a model
// with no price gets no cost (never a made-up number).
import { z } from 'zod';
import type { Usage } from '../jobs/job-document.js';

export interface ModelPrice {
  input: number;
  cached_input: number;
  output: number;
}
export type ModelPrices = ReadonlyMap<string, ModelPrice>;

/**
 * The default CODEX_MODEL's price, used when MODEL_PRICES does not name it. Source: OpenAI's model
 * page https://developers.openai.com/api/docs/models/gpt-5-codex ("Text tokens, per 1M tokens:
 * Input $1.25, Cached input $0.125, Output $10.00"), read 2026-12-06 from a stored copy of the page
 * (the page now marks gpt-5-codex "Shut down"; set MODEL_PRICES for the model you actually run).
 */
export const DEFAULT_MODEL_PRICES: ReadonlyArray<readonly [string, ModelPrice]> = [['gpt-5-codex', { input: 1.25, cached_input: 0.125, output: 10 }]];

const price = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal price in USD per million tokens')
  .transform(Number);

/** The zod type of the variable: a string → the table (the defaults, overridden per model). */
export const modelPricesSchema = z.string().transform((text, ctx): ModelPrices => {
  const table = new Map<string, ModelPrice>(DEFAULT_MODEL_PRICES);
  const seen = new Set<string>();
  for (const raw of text.split(';')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^([^=\s]+)\s*=\s*([^:]*):([^:]*):([^:]*)$/.exec(entry);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not model=input:cached_input:output` });
      return z.NEVER;
    }
    const model = m[1]!;
    if (seen.has(model)) {
      ctx.addIssue({ code: 'custom', message: `model "${model}" is priced twice` });
      return z.NEVER;
    }
    seen.add(model);
    const parts = [m[2]!, m[3]!, m[4]!].map((p) => price.safeParse(p));
    const bad = parts.findIndex((p) => !p.success);
    if (bad >= 0) {
      ctx.addIssue({ code: 'custom', message: `"${entry}": the ${['input', 'cached_input', 'output'][bad]} price "${[m[2], m[3], m[4]][bad]!.trim()}" is not a non-negative number` });
      return z.NEVER;
    }
    const [input, cached, output] = parts.map((p) => p.data!) as [number, number, number];
    table.set(model, { input, cached_input: cached, output });
  }
  return table;
});

export const DEFAULT_MODEL_PRICES_TABLE: ModelPrices = new Map(DEFAULT_MODEL_PRICES);

/** Rounded to 1e-6 USD (a millionth of a dollar: the smallest step a per-token price makes). */
export function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * The cost of a usage at a model's price, or undefined for an unpriced model. input_tokens include
 * the cached ones (OpenAI's and Codex's convention), so only the rest pay the full input price;
 * output_tokens include the reasoning tokens, billed as output.
 */
export function costUsd(usage: Usage, model: string, prices: ModelPrices): number | undefined {
  const p = prices.get(model);
  if (!p) return undefined;
  const cached = Math.min(usage.cached_input_tokens, usage.input_tokens);
  const uncached = usage.input_tokens - cached;
  return roundUsd((uncached * p.input + cached * p.cached_input + usage.output_tokens * p.output) / 1e6);
}

/** The usage as it goes into a result: with cost_usd when the model has a price. */
export function withCost(usage: Usage, config: { CODEX_MODEL: string; MODEL_PRICES: ModelPrices }): Usage {
  const { cost_usd: _dropped, ...tokens } = usage;
  const cost = costUsd(tokens, config.CODEX_MODEL, config.MODEL_PRICES);
  return cost === undefined ? tokens : { ...tokens, cost_usd: cost };
}
