// Ending a process tree: descendants are found through /proc, and killProcessTree leaves none alive,
// including a grandchild that left the process group (as sandboxed commands do).
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { descendants, isAlive, killPids, killProcessTree } from '../../../shared/codex/process-tree.js';

/** Alive and not a zombie: a killed orphan may stay a zombie until someone reaps it. */
/**
 * Whether the process has ended within `ms`. A killed process closes its pipes before it becomes a
 * zombie, so for a moment after the pipe closed it still shows as running; a process that is not our
 * child gives no other signal of its end than /proc.
 */
async function endsWithin(pid: number, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (running(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

function running(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

interface Tree {
  child: ChildProcessWithoutNullStreams;
  /** Pids the script printed, one per line (the background processes it started). */
  printed: number[];
  /** Resolves when the child exited and every process holding its stdout (the whole tree) is gone. */
  closed: Promise<void>;
}

/** Starts `sh -c script`; resolves once the script printed `lines` pids, so the tree exists. */
async function startTree(t: TestContext, script: string, lines: number, detached: boolean): Promise<Tree> {
  const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'], detached });
  // Bounded, so a survivor fails the test instead of hanging it.
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a process of the tree still holds its stdout after 120 s')), 120_000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  closed.catch(() => undefined); // observed by the test that awaits it
  const printed: number[] = [];
  t.after(() => {
    // Safety net if an assertion failed before the kill.
    killPids([child.pid!, ...printed]);
  });
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const done = buf.split('\n').slice(0, -1);
      if (done.length >= lines) {
        printed.push(...done.slice(0, lines).map(Number));
        resolve();
      }
    });
    child.once('close', () => reject(new Error(`the script ended early: ${buf}`)));
  });
  return { child, printed, closed };
}

describe('descendants', () => {
  it('finds the background child of a shell', async (t) => {
    const tree = await startTree(t, 'sleep 600 & echo $!; sleep 600', 1, true);
    const found = descendants(tree.child.pid!);
    assert.ok(found.includes(tree.printed[0]!), `${tree.printed[0]} not in ${JSON.stringify(found)}`);
    assert.ok(!found.includes(tree.child.pid!), 'a process is not its own descendant');
    killProcessTree(tree.child.pid!);
    await tree.closed;
  });

  it('finds grandchildren and deeper', async (t) => {
    // sh → sh → sleep: the inner shell prints its own pid and its sleep's pid.
    const tree = await startTree(t, `sh -c 'echo $$; sleep 600 & echo $!; wait' & wait`, 2, true);
    const [inner, sleeper] = tree.printed as [number, number];
    const found = descendants(tree.child.pid!);
    assert.ok(found.includes(inner), `inner shell ${inner} not in ${JSON.stringify(found)}`);
    assert.ok(found.includes(sleeper), `grandchild ${sleeper} not in ${JSON.stringify(found)}`);
    assert.ok(found.indexOf(inner) < found.indexOf(sleeper), 'breadth first: the child before its child');
    killProcessTree(tree.child.pid!);
    await tree.closed;
  });

  it('is empty for a process without children and for a pid that does not exist', async (t) => {
    const tree = await startTree(t, 'echo $$; exec sleep 600', 1, true);
    assert.deepEqual(descendants(tree.child.pid!), []);
    assert.deepEqual(descendants(2 ** 22 + 12345), []);
    killProcessTree(tree.child.pid!);
    await tree.closed;
  });
});

describe('killProcessTree', () => {
  it('kills a process group leader and all of its group', async (t) => {
    const tree = await startTree(t, 'sleep 600 & echo $!; sleep 600', 1, true);
    const pids = [tree.child.pid!, ...tree.printed, ...descendants(tree.child.pid!)];
    for (const pid of pids) assert.equal(running(pid), true, `${pid} should run before the kill`);
    killProcessTree(tree.child.pid!);
    await tree.closed; // the pipe closes only when every process holding it has ended
    assert.equal(tree.child.signalCode, 'SIGKILL');
    for (const pid of pids) assert.equal(await endsWithin(pid), true, `${pid} is still running`);
  });

  it('kills a grandchild that started its own session (out of the process group)', async (t) => {
    // setsid puts the grandchild in a new session and group, as bwrap does with sandboxed commands.
    const tree = await startTree(t, `setsid sh -c 'echo $$; exec sleep 600' & wait`, 1, true);
    const escaped = tree.printed[0]!;
    assert.equal(running(escaped), true);
    assert.ok(descendants(tree.child.pid!).includes(escaped));
    killProcessTree(tree.child.pid!);
    await tree.closed;
    assert.equal(await endsWithin(escaped), true, `escaped grandchild ${escaped} is still running`);
  });

  it('works for a child that does not lead its own group', async (t) => {
    // Both sleeps exist before the kill: a walk of parent ids cannot see a process forked after it
    // (the race the PID namespace of a real turn removes), and the test is not about that race.
    const tree = await startTree(t, 'sleep 600 & echo $!; sleep 600 & echo $!; wait', 2, false);
    killProcessTree(tree.child.pid!);
    await tree.closed;
    for (const pid of tree.printed) assert.equal(await endsWithin(pid), true, `${pid} is still running`);
    assert.equal(isAlive(process.pid), true, 'the test process itself survives');
  });

  it('is harmless for a process that is already gone', async (t) => {
    const tree = await startTree(t, 'echo $$', 1, true);
    await tree.closed;
    assert.doesNotThrow(() => killProcessTree(tree.child.pid!));
    assert.equal(isAlive(tree.child.pid!), false);
  });
});
