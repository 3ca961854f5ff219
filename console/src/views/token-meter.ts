// The live token meter: the latest token_usage against the job's max_total_tokens (the budget
// past which the turn is interrupted and the job fails with budget_exceeded).
import { h } from '../dom.js';
import { count } from '../format.js';

export interface TokenMeter {
  element: HTMLElement;
  update(totalTokens: number, budget: number | null): void;
}

export function tokenMeter(): TokenMeter {
  const meter = h('meter', { id: 'token-meter', min: 0, max: 1, value: 0, 'aria-labelledby': 'token-meter-label', 'aria-describedby': 'token-meter-text' });
  const text = h('p', { id: 'token-meter-text', class: 'meter-text' }, 'No tokens used yet.');
  const element = h('section', { class: 'card token-meter', 'aria-labelledby': 'token-meter-label' }, h('h2', { id: 'token-meter-label' }, 'Token budget'), meter, text);
  return {
    element,
    update(total, budget) {
      if (budget) {
        meter.max = budget;
        meter.value = Math.min(total, budget);
        meter.low = budget * 0.7;
        meter.high = budget * 0.9;
        meter.optimum = 0;
        meter.hidden = false;
        const pct = Math.round((total / budget) * 100);
        text.textContent = `${count(total)} of ${count(budget)} tokens (${pct}%)${total > budget ? ' — over budget' : ''}`;
      } else {
        meter.hidden = true;
        text.textContent = `${count(total)} tokens used · no max_total_tokens set`;
      }
      element.dataset.total = String(total);
    },
  };
}
