// MODEL_PRICES: parsed and validated at start; a job's cost from its usage, absent for an unpriced model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../shared/config.js';
import { ZERO_USAGE } from '../../../shared/jobs/job-document.js';
import { costUsd, withCost } from '../../../shared/usage/model-prices.js';

describe('MODEL_PRICES', () => {
  it('prices the default model gpt-5-codex without any setting', () => {
    const config = parseConfig({});
    assert.deepEqual(config.MODEL_PRICES.get('gpt-5-codex'), { input: 1.25, cached_input: 0.125, output: 10 });
  });

  it('parses several models and overrides the default', () => {
    const config = parseConfig({ MODEL_PRICES: 'gpt-5-codex=2:0.2:20; my-model = 0.5:0:1.5' });
    assert.deepEqual(config.MODEL_PRICES.get('gpt-5-codex'), { input: 2, cached_input: 0.2, output: 20 });
    assert.deepEqual(config.MODEL_PRICES.get('my-model'), { input: 0.5, cached_input: 0, output: 1.5 });
  });

  for (const [value, fragment] of [
    ['gpt-5-codex=1.25:10', 'model=input:cached_input:output'],
    ['m=1:x:2', 'cached_input price "x"'],
    ['m=-1:0:2', 'input price "-1"'],
    ['m=1:0:2;m=1:0:3', 'priced twice'],
    ['=1:0:2', 'model=input:cached_input:output'],
  ] as const) {
    it(`refuses ${JSON.stringify(value)} naming the variable`, () => {
      assert.throws(
        () => parseConfig({ MODEL_PRICES: value }),
        (err: Error) => err instanceof ConfigError && err.message.includes('MODEL_PRICES=') && err.message.includes(fragment),
      );
    });
  }
});

describe('costUsd', () => {
  const prices = parseConfig({ MODEL_PRICES: 'm=1.25:0.125:10' }).MODEL_PRICES;
  it('charges cached input at its own price and the rest of the input at the input price', () => {
    // 1000 input of which 400 cached, 200 output: 600×1.25 + 400×0.125 + 200×10 per million.
    const usage = { ...ZERO_USAGE, input_tokens: 1000, cached_input_tokens: 400, output_tokens: 200, total_tokens: 1200 };
    assert.equal(costUsd(usage, 'm', prices), 0.0028);
  });
  it('rounds to a millionth of a dollar', () => {
    assert.equal(costUsd({ ...ZERO_USAGE, input_tokens: 1, total_tokens: 1 }, 'm', prices), 0.000001);
    assert.equal(costUsd({ ...ZERO_USAGE, input_tokens: 3, total_tokens: 3 }, 'm', prices), 0.000004);
  });
  it('is absent for an unpriced model, never a made-up number', () => {
    assert.equal(costUsd({ ...ZERO_USAGE, input_tokens: 10 }, 'unknown-model', prices), undefined);
    const usage = withCost({ ...ZERO_USAGE, input_tokens: 10, total_tokens: 10 }, { CODEX_MODEL: 'unknown-model', MODEL_PRICES: prices });
    assert.equal('cost_usd' in usage, false);
  });
  it('withCost adds cost_usd for the configured model', () => {
    const usage = withCost({ ...ZERO_USAGE, output_tokens: 1_000_000, total_tokens: 1_000_000 }, { CODEX_MODEL: 'm', MODEL_PRICES: prices });
    assert.equal(usage.cost_usd, 10);
  });
});
