// Looks for processes by command line, to prove a job left nothing running.
import { readdirSync, readFileSync } from 'node:fs';

export function processesMatching(fragment: string): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/\) Z /.test(state)) continue; // a zombie is already dead
      if (cmdline.includes(fragment)) out.push({ pid: Number(entry), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out.filter((p) => p.pid !== process.pid);
}
