// The first program of a job phase's private network namespace (network-gate.ts starts it as that
// namespace's pid 1): it brings the loopback interface up, listens on 127.0.0.1 for each bridge and
// pipes every connection to the bridge's unix socket (the egress proxy, outside), then runs the
// phase's command and exits with its status. The namespace has no other interface, so a process that
// ignores the proxy variables has no route anywhere: the bridges are the only way out.
// Usage: node netns-entry.js [--bridge PORT=SOCKET_PATH]... -- COMMAND [ARGS...]
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';

function fail(message: string): never {
  process.stderr.write(`codex-jobs network gate: ${message}\n`);
  process.exit(97);
}

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
if (split < 0 || split === argv.length - 1) fail('usage: netns-entry [--bridge PORT=SOCKET]... -- COMMAND...');
const bridges: Array<{ port: number; socket: string }> = [];
for (let i = 0; i < split; i++) {
  if (argv[i] !== '--bridge') fail(`unknown argument ${argv[i]}`);
  const m = /^(\d{1,5})=(.+)$/.exec(argv[++i] ?? '');
  if (!m) fail(`a bridge is PORT=SOCKET_PATH, not ${argv[i]}`);
  bridges.push({ port: Number(m[1]), socket: m[2]! });
}
const command = argv.slice(split + 1);

try {
  execFileSync('ip', ['link', 'set', 'lo', 'up'], { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (err) {
  fail(`could not bring the loopback interface up (ip link set lo up): ${(err as Error).message}`);
}

await Promise.all(
  bridges.map(
    ({ port, socket }) =>
      new Promise<void>((resolve) => {
        const server = net.createServer((inbound) => {
          const outbound = net.connect(socket);
          inbound.on('error', () => outbound.destroy());
          outbound.on('error', () => inbound.destroy());
          inbound.pipe(outbound);
          outbound.pipe(inbound);
        });
        server.once('error', (err) => fail(`could not listen on 127.0.0.1:${port}: ${err.message}`));
        server.listen(port, '127.0.0.1', () => resolve());
      }),
  ),
);

const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
child.on('error', (err) => fail(`could not start ${command[0]}: ${err.message}`));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? ({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 } as Record<string, number>)[signal] ?? 1 : 1)));
