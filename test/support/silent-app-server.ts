// A stand-in for `codex app-server` that stops answering once its turn has started: it answers
// initialize, thread/start and turn/start (with turn/started), then never answers anything else
// (turn/interrupt, backgroundTerminals/clean), ignores SIGTERM and the end of its stdin, and so
// never ends by itself. Only SIGKILL ends it. `silentAppServerBin()` writes an executable wrapper.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtempOutsideTemp } from './outside-temp.js';

/** An executable that runs this file with node (CODEX_BIN-style: called as `<bin> app-server`), and its folder. */
export function silentAppServerBin(): { bin: string; dir: string } {
  // Outside the temp parents: a job's isolated view hides them (private-temp.ts), as it would a real codex there.
  const dir = mkdtempOutsideTemp('silent-app-server-');
  const bin = path.join(dir, 'silent-codex');
  writeFileSync(bin, `#!/bin/sh\nexec '${process.execPath}' '${fileURLToPath(import.meta.url)}' "$@"\n`);
  chmodSync(bin, 0o755);
  return { bin, dir };
}

function serve(): void {
  process.on('SIGTERM', () => undefined);
  setInterval(() => undefined, 60_000); // stays up after stdin ends
  const send = (message: unknown) => process.stdout.write(JSON.stringify(message) + '\n');
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    let msg: { id?: number; method?: string };
    try {
      msg = JSON.parse(line) as { id?: number; method?: string };
    } catch {
      return;
    }
    if (msg.id === undefined) return; // notifications (initialized)
    if (msg.method === 'initialize') send({ id: msg.id, result: { userAgent: 'silent-app-server/0' } });
    else if (msg.method === 'thread/start') send({ id: msg.id, result: { thread: { id: 'thr-silent' } } });
    else if (msg.method === 'turn/start') {
      send({ id: msg.id, result: { turn: { id: 'turn-silent' } } });
      send({ method: 'turn/started', params: { turn: { id: 'turn-silent' } } });
    }
    // anything else: silence
  });
}

if (process.argv[2] === 'app-server') serve();
