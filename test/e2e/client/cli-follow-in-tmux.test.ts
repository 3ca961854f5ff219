// `submit --follow` on a real terminal (tmux): the screen is redrawn in place and shows the stage and
// elapsed time, each command with its exit code, the last agent message and the token meter against
// max_total_tokens. Set CLI_SCREEN_OUT=path to keep the captured screen text (docs/cli-follow-screen.txt).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Stack } from '../../../dev/stack.js';
import { CLI, cliHome, startClientStack, type CliHome } from './client-stack.js';

const TMUX = '/usr/bin/tmux';
const socket = `codex-jobs-test-${process.pid}`;
let stack: Stack;
let home: CliHome;

const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, ...args], { encoding: 'utf8' });
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

before(async () => {
  home = cliHome();
  stack = await startClientStack();
});
after(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await stack?.stop();
  home?.remove();
});

test('submit --follow in tmux: stage, elapsed, commands with exit codes, last message, token meter — drawn in place', async () => {
  const prompt = 'Fix the failing test [[tokens:400]] [[cmd:echo building]] [[cmd:false]] [[final:Fixed the failing test.]]';
  const cmd = [`HOME=${shellQuote(home.home)}`, shellQuote(process.execPath), shellQuote(CLI), '--url', stack.apiUrl, '--key', stack.devApiKey, 'submit', '--follow', '--max-total-tokens', '5000', shellQuote(prompt)].join(' ');
  tmux('new-session', '-d', '-s', 'follow', '-x', '110', '-y', '30', `${cmd}; echo "EXIT=$?"; sleep 600`);
  let screen = '';
  // The watch runs as long as the job does; the pane is read until the CLI has exited.
  for (const deadline = Date.now() + 240_000; Date.now() < deadline; await delay(250)) {
    screen = tmux('capture-pane', '-p', '-t', 'follow');
    if (/EXIT=\d+/.test(screen)) break;
  }
  if (process.env.CLI_SCREEN_OUT) writeFileSync(process.env.CLI_SCREEN_OUT, screen.replace(/\s+$/, '') + '\n');
  assert.match(screen, /EXIT=0/, screen);
  const id = /queued job ([0-9a-f-]{36})/.exec(screen)?.[1];
  assert.ok(id, screen);
  const headers = screen.split('\n').filter((l) => l.startsWith(`job ${id}  `));
  assert.equal(headers.length, 1, `the live view is redrawn in place, not appended:\n${screen}`);
  assert.match(headers[0]!, /completed\s+stage done\s+elapsed \d\d:\d\d/);
  assert.match(screen, /\$ .*echo building.*exit 0/);
  assert.match(screen, /\$ .*false.*exit 1/);
  assert.match(screen, /^agent\s+Fixed the failing test\./m);
  assert.match(screen, /^tokens\s+\[[█░]{24}\] [\d,]+ \/ 5,000 tokens \(\d+%\)/m);
  assert.match(screen, new RegExp(`^job ${id} completed in`, 'm'), 'the result line after the live view');
});
