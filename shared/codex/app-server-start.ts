// Starting `codex app-server` and its handshake, apart from the turn: the processor starts it while
// the claim transaction and the workspace run (processor/early-app-server.ts), and runTurn takes the
// started server over. Started alone (no early start), runTurn calls this itself.
import { AppServerClient, type AppServerOptions } from './app-server-client.js';

export interface StartedAppServer {
  server: AppServerClient;
  /** initialize answered and `initialized` sent; rejects when the server failed or exited first. */
  initialized: Promise<void>;
}

export function startAppServer(options: AppServerOptions): StartedAppServer {
  const server = new AppServerClient(options);
  // The request waits in the pipe until the server reads it: nothing is gained by waiting to send it.
  const initialized = server
    .request('initialize', { clientInfo: { name: 'codex-jobs', title: 'codex-jobs', version: '1' }, capabilities: { experimentalApi: true } })
    .then(() => server.notify('initialized'));
  // Whoever takes the server awaits this; until then a failure must not count as unhandled.
  initialized.catch(() => undefined);
  return { server, initialized };
}
