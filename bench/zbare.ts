import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { configToml, MODEL_KEY_ENV } from '../shared/codex/codex-home.js';
const PROMPT = (tag: string) => `bench ${tag} [[cmd:echo hello > hello.txt]] [[final:done]]`;
export async function bareTurnProfiled(bin: string, modelUrl: string, tag: string): Promise<[string, number][]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-bare-'));
  const ws = path.join(root, 'ws');
  const home = path.join(root, 'home');
  const tmp = path.join(root, 'tmp');
  const marks: [string, number][] = [];
  const mark = (n: string) => marks.push([n, performance.now()]);
  try {
    for (const d of [ws, home, tmp]) mkdirSync(d);
    writeFileSync(path.join(home, 'config.toml'), configToml({ baseUrl: modelUrl, apiKey: 'bench', model: 'bench' }, 'workspace-write'));
    mark('start');
    const child = spawn(bin, ['app-server'], { cwd: ws, env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, TMPDIR: tmp, [MODEL_KEY_ENV]: 'bench' }, stdio: ['pipe', 'pipe', 'ignore'] });
    const pending = new Map<number, (v: { result?: { thread?: { id: string } } }) => void>();
    let done!: () => void;
    const completed = new Promise<void>((r) => (done = r));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as { id?: number; method?: string; result?: { thread?: { id: string } } };
      if (m.method === 'turn/completed') done();
      else if (m.id !== undefined && !m.method) pending.get(m.id)?.(m);
    });
    let id = 0;
    const call = (method: string, params: unknown) =>
      new Promise<{ result?: { thread?: { id: string } } }>((resolve) => {
        pending.set(++id, resolve);
        child.stdin.write(JSON.stringify({ method, id, params }) + '\n');
      });
    await call('initialize', { clientInfo: { name: 'bench', title: 'bench', version: '1' }, capabilities: { experimentalApi: true } });
    mark('initialize');
    child.stdin.write('{"method":"initialized"}\n');
    const thread = await call('thread/start', { cwd: ws, approvalPolicy: 'never', sandbox: 'workspace-write' });
    mark('thread/start');
    await call('turn/start', { threadId: thread.result!.thread!.id, input: [{ type: 'text', text: PROMPT(tag) }] });
    mark('turn/start');
    await completed;
    mark('completed');
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    mark('exit');
    return marks;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
