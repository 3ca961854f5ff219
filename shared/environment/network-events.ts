// The `network` events of one job: one per host and decision ({phase, host, port, method?, allowed,
// reason?}), at most NETWORK_EVENT_CAP per job across both phases, the last of them saying that more were left out.
export const NETWORK_EVENT_CAP = 200;

export type NetworkPhase = 'setup' | 'agent';

export interface NetworkEventData {
  phase: NetworkPhase;
  host: string;
  port: number;
  method?: string;
  allowed: boolean;
  reason?: string;
}

export class NetworkEvents {
  private readonly seen = new Set<string>();
  private capped = false;

  constructor(private readonly emit: (type: 'network', data: Record<string, unknown>) => void) {}

  record(data: NetworkEventData): void {
    // Per host and decision: a refused POST and an allowed GET of one host are two events, a thousand GETs one.
    const key = JSON.stringify([data.phase, data.host, data.port, data.method ?? '', data.allowed]);
    if (this.seen.has(key) || this.capped) return;
    if (this.seen.size >= NETWORK_EVENT_CAP - 1) {
      this.capped = true;
      this.emit('network', { phase: data.phase, host: '*', port: 0, allowed: data.allowed, reason: `more hosts than the ${NETWORK_EVENT_CAP} network events a job records; later ones are not recorded` });
      return;
    }
    this.seen.add(key);
    this.emit('network', { ...data });
  }
}
