// The browser test needs Debian's Chromium at /usr/bin/chromium. Machines start without a browser,
// so the project installs it itself (apt-get, as root: CI runs as root with apt available) and says
// what it does. Runs once per machine; later runs find the binary and return at once.
// `node dist/test/support/ensure-chromium.js` runs it on its own.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags that work on these machines (no sandbox as root, no GPU, no background traffic). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function run(cmd: string, args: string[], say: (line: string) => void): Promise<void> {
  say(`ensure-chromium: running ${cmd} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} ended with ${code ?? signal}`))));
  });
}

export async function ensureChromium(say: (line: string) => void = console.log): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`the browser test needs Chromium at ${CHROMIUM_PATH}; this machine has no apt-get to install it (install Debian's "chromium" package)`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`the browser test needs Chromium at ${CHROMIUM_PATH}; run "sudo apt-get update && sudo apt-get install -y chromium" (installing needs root)`);
  }
  const started = Date.now();
  say(`ensure-chromium: ${CHROMIUM_PATH} is missing; installing Debian's chromium package (this can take a minute or two)`);
  await run('apt-get', ['update'], say);
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], say);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  say(`ensure-chromium: chromium installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return CHROMIUM_PATH;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureChromium().then(
    (p) => console.log(`ensure-chromium: ${p} is ready`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
