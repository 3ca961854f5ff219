// What a chaos run observed, reduced to the numbers the README records: jobs terminal out of total,
// Codex runs, codex-results messages and webhook deliveries per job, jobs still stuck, latency.
// A "duplicated effect" is a second Codex run within one claim (runs > attempts) or two DIFFERENT
// results for one job (codex-results messages or webhook bodies that differ); a transport
// redelivery of the same result (same webhook-id, same body) is counted and shown, not hidden.

export interface ObservedJob {
  jobId: string;
  tag: string;
  lane: 'normal' | 'priority';
  session: string | null;
  /** The document at the end, or undefined when there is none (a lost job). */
  status: string | undefined;
  errorCode: string | undefined;
  attempts: number;
  createdAt: string | undefined;
  completedAt: string | null | undefined;
  callbackState: string | undefined;
  codexRuns: number;
  results: string[];
  webhooks: { webhookId: string; body: string }[];
}

export interface FaultCounts {
  processorKills: number;
  proxyOutages: number;
  proxySocketsDropped: number;
  receiverDowntimes: number;
  receiverConnectionsRefused: number;
  jobMessagesSeen: number;
  jobMessageCopies: number;
  sweepsPublished: number;
}

export interface ChaosReport {
  total: number;
  submitRefused: number;
  terminal: number;
  statuses: Record<string, number>;
  lost: string[];
  stuck: { jobId: string; status: string; attempts: number }[];
  codexRunsPerJob: Record<string, number>;
  resultsPerJob: Record<string, number>;
  webhooksPerJob: Record<string, number>;
  duplicateRuns: string[];
  differingResults: string[];
  differingWebhooks: string[];
  resultRedeliveries: number;
  webhookRedeliveries: number;
  jobsWithoutWebhook: string[];
  sessionOrderViolations: string[];
  latencyMs: { p50: number; p99: number; max: number };
  faults: FaultCounts;
  wallMs: number;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

function histogram(values: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function buildReport(jobs: ObservedJob[], extra: { submitRefused: number; faults: FaultCounts; wallMs: number; sessionOrder: Map<string, string[]> }): ChaosReport {
  const terminal = jobs.filter((j) => j.status && TERMINAL.has(j.status));
  const statuses: Record<string, number> = {};
  for (const j of jobs) {
    const key = j.status === undefined ? 'no document' : j.errorCode ? `${j.status} (${j.errorCode})` : j.status;
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const latencies = terminal
    .filter((j) => j.createdAt && j.completedAt)
    .map((j) => Date.parse(j.completedAt!) - Date.parse(j.createdAt!))
    .sort((a, b) => a - b);
  const byId = new Map(jobs.map((j) => [j.jobId, j]));
  const sessionOrderViolations: string[] = [];
  for (const [session, ids] of extra.sessionOrder) {
    const done = ids.map((id) => byId.get(id)).filter((j) => j?.status === 'completed' && j.completedAt);
    for (let i = 1; i < done.length; i++) if (done[i]!.completedAt! < done[i - 1]!.completedAt!) sessionOrderViolations.push(`${session}: ${done[i]!.jobId} ended before ${done[i - 1]!.jobId}`);
  }
  return {
    total: jobs.length,
    submitRefused: extra.submitRefused,
    terminal: terminal.length,
    statuses,
    lost: jobs.filter((j) => j.status === undefined).map((j) => j.jobId),
    stuck: jobs.filter((j) => j.status !== undefined && !TERMINAL.has(j.status)).map((j) => ({ jobId: j.jobId, status: j.status!, attempts: j.attempts })),
    codexRunsPerJob: histogram(jobs.map((j) => j.codexRuns)),
    resultsPerJob: histogram(jobs.map((j) => j.results.length)),
    webhooksPerJob: histogram(jobs.map((j) => j.webhooks.length)),
    duplicateRuns: jobs.filter((j) => j.codexRuns > Math.max(j.attempts, 1)).map((j) => j.jobId),
    differingResults: jobs.filter((j) => new Set(j.results).size > 1).map((j) => j.jobId),
    differingWebhooks: jobs.filter((j) => new Set(j.webhooks.map((w) => `${w.webhookId}\n${w.body}`)).size > 1).map((j) => j.jobId),
    resultRedeliveries: jobs.reduce((n, j) => n + Math.max(0, j.results.length - 1), 0),
    webhookRedeliveries: jobs.reduce((n, j) => n + Math.max(0, j.webhooks.length - 1), 0),
    jobsWithoutWebhook: terminal.filter((j) => j.webhooks.length === 0).map((j) => `${j.jobId} ${j.status} callback=${j.callbackState ?? 'none'} results=${j.results.length}`),
    sessionOrderViolations,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    faults: extra.faults,
    wallMs: extra.wallMs,
  };
}

/** Lost, stuck or duplicated: what the suite's aim says must be zero. */
export function violations(r: ChaosReport): string[] {
  const out: string[] = [];
  if (r.submitRefused) out.push(`${r.submitRefused} submits never accepted`);
  if (r.lost.length) out.push(`${r.lost.length} jobs lost (accepted, no document)`);
  if (r.stuck.length) out.push(`${r.stuck.length} jobs stuck: ${r.stuck.slice(0, 5).map((s) => `${s.jobId} ${s.status} attempts=${s.attempts}`).join('; ')}`);
  if (r.duplicateRuns.length) out.push(`${r.duplicateRuns.length} jobs with more Codex runs than claims: ${r.duplicateRuns.slice(0, 5).join(', ')}`);
  if (r.differingResults.length) out.push(`${r.differingResults.length} jobs with differing codex-results messages`);
  if (r.differingWebhooks.length) out.push(`${r.differingWebhooks.length} jobs with differing webhook deliveries`);
  if (r.jobsWithoutWebhook.length) out.push(`${r.jobsWithoutWebhook.length} terminal jobs without a webhook delivery: ${r.jobsWithoutWebhook.slice(0, 5).join('; ')}`);
  const noResult = r.resultsPerJob['0'] ?? 0;
  if (noResult) out.push(`${noResult} jobs without a codex-results message`);
  return out;
}

const fmt = (h: Record<string, number>) =>
  Object.entries(h)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([k, v]) => `${k}×: ${v}`)
    .join(', ');

export function formatReport(r: ChaosReport): string {
  const f = r.faults;
  const bad = violations(r);
  return [
    `jobs terminal:            ${r.terminal} / ${r.total}   (${Object.entries(r.statuses).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    `jobs still stuck:         ${r.stuck.length}`,
    `jobs lost:                ${r.lost.length}   (submits never accepted: ${r.submitRefused})`,
    `Codex runs per job:       ${fmt(r.codexRunsPerJob)}   (more runs than claims: ${r.duplicateRuns.length})`,
    `codex-results per job:    ${fmt(r.resultsPerJob)}   (differing: ${r.differingResults.length}, redeliveries of the same: ${r.resultRedeliveries})`,
    `webhook deliveries / job: ${fmt(r.webhooksPerJob)}   (differing: ${r.differingWebhooks.length}, same webhook-id redelivered: ${r.webhookRedeliveries}, none: ${r.jobsWithoutWebhook.length})`,
    `session order violations: ${r.sessionOrderViolations.length}`,
    `job latency (created → terminal): p50 ${(r.latencyMs.p50 / 1000).toFixed(1)} s, p99 ${(r.latencyMs.p99 / 1000).toFixed(1)} s, max ${(r.latencyMs.max / 1000).toFixed(1)} s`,
    `faults: ${f.processorKills} processor SIGKILLs; ${f.proxyOutages} emulator outages (${f.proxySocketsDropped} sockets dropped); webhook receiver down ${f.receiverDowntimes}× (${f.receiverConnectionsRefused} connections refused); ${f.jobMessagesSeen} job messages each delivered ${f.jobMessagesSeen ? (1 + f.jobMessageCopies / f.jobMessagesSeen).toFixed(2) : 0}× on average; ${f.sweepsPublished} sweeps`,
    `wall time: ${(r.wallMs / 1000).toFixed(0)} s`,
    bad.length ? `AIM NOT MET: ${bad.join('; ')}` : 'aim met: 0 lost, 0 stuck, 0 duplicated effects',
  ].join('\n');
}
