// A real headless Chromium (Debian's, installed by ensure-chromium) driven by playwright-core, with
// what the console tests check on every page: each request's host, CSP violations, page errors,
// and axe-core's accessibility verdict.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './ensure-chromium.js';

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every http(s)/ws request URL the pages made. */
  requests: string[];
  /** Content-Security-Policy violations and uncaught page errors. */
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  const executablePath = await ensureChromium((line) => console.log(line));
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 120_000 });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
  // A guard only: a busy 2-core CI machine can take minutes to start a codex turn.
  context.setDefaultTimeout(240_000);
  const requests: string[] = [];
  const problems: string[] = [];
  context.on('request', (r) => {
    if (/^(https?|wss?):/.test(r.url())) requests.push(r.url());
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { browser, context, page, requests, problems, close: () => browser.close() };
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (evaluated over CDP: the page's CSP forbids injected script tags). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}
