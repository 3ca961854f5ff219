// The chaos suite's webhook receiver on 127.0.0.1: verifies each delivery's Standard Webhooks
// signature, records it, and can be down for a while (every connection reset on arrival).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Delivery {
  webhookId: string;
  jobId: string;
  status: string;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Deliveries whose signature did not verify (there should be none). */
  badSignatures: number;
  /** Connections refused while down. */
  refused: number;
  downFor(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string, onDelivery: () => void = () => undefined): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  let down = false;
  const receiver: WebhookReceiver = {
    url: '',
    deliveries: [],
    badSignatures: 0,
    refused: 0,
    downFor: async (ms) => {
      down = true;
      server.closeAllConnections(); // kept-alive ones too
      await new Promise((r) => setTimeout(r, ms));
      down = false;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: { job_id: string; status: string };
      try {
        payload = verifier.verify(body, req.headers as Record<string, string>) as { job_id: string; status: string };
      } catch {
        receiver.badSignatures++;
        res.writeHead(400).end();
        return;
      }
      receiver.deliveries.push({ webhookId: String(req.headers['webhook-id']), jobId: payload.job_id, status: payload.status, body });
      res.writeHead(204).end();
      onDelivery();
    });
  });
  server.on('connection', (socket) => {
    if (!down) return;
    receiver.refused++;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
