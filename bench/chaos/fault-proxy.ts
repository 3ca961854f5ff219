// A TCP proxy on 127.0.0.1 in front of an emulator, which can drop every connection for a while:
// open ones are reset and new ones are cut as soon as they arrive, as when the network between a
// function and Firestore or Pub/Sub goes away. The clients have to reconnect and retry for real.
import net from 'node:net';

export interface FaultProxy {
  /** host:port clients connect to instead of the target. */
  host: string;
  /** Drops every open connection and refuses new ones for `ms`; resolves when traffic flows again. */
  dropFor(ms: number): Promise<void>;
  stats(): { connections: number; dropped: number; outages: number };
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const [targetHost, targetPort] = splitHost(target);
  const open = new Set<net.Socket>();
  let down = false;
  let connections = 0;
  let dropped = 0;
  let outages = 0;
  const server = net.createServer((client) => {
    connections++;
    if (down) {
      dropped++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    const end = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    dropFor: async (ms) => {
      down = true;
      outages++;
      for (const s of open) {
        dropped++;
        s.resetAndDestroy();
      }
      open.clear();
      await new Promise((r) => setTimeout(r, ms));
      down = false;
    },
    stats: () => ({ connections, dropped, outages }),
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitHost(hostPort: string): [string, number] {
  const url = new URL(hostPort.includes('://') ? hostPort : `tcp://${hostPort}`);
  return [url.hostname, Number(url.port)];
}
