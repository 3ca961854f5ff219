// deploy/k8s/: the GKE worker can run the Codex sandbox, scale-in never cuts a job, and the KEDA scaler
// is configured with keys it has. Parsed as YAML; the worker's settings parse with the real schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../../shared/config.js';
import { repoRoot } from './terraform-config.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const docs = (file: string): Doc[] => parseAllDocuments(readFileSync(path.join(repoRoot, 'deploy/k8s', file), 'utf8')).map((d) => d.toJS() as Doc);
const deployment = docs('deployment.yaml').find((d) => d.kind === 'Deployment')!;
const pod = deployment.spec.template.spec as Doc;
const container = (pod.containers as Doc[]).find((c) => c.name === 'worker')!;
const env = Object.fromEntries((container.env as Doc[]).filter((e) => 'value' in e).map((e) => [e.name as string, String(e.value)]));

describe('deploy/k8s runs the worker where its sandbox works, and never cuts a job', () => {
  it('lets bubblewrap make its namespaces: seccomp and AppArmor Unconfined, and no privilege beyond that', () => {
    const sc = container.securityContext as Doc;
    assert.equal(sc.seccompProfile.type, 'Unconfined', 'RuntimeDefault seccomp refuses the user-namespace clone/unshare bubblewrap needs');
    assert.equal(sc.appArmorProfile.type, 'Unconfined', 'the default AppArmor profile denies the mounts bubblewrap makes');
    assert.equal(sc.privileged, false);
    assert.equal(sc.allowPrivilegeEscalation, false);
    assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.match(readFileSync(path.join(repoRoot, 'deploy/k8s/deployment.yaml'), 'utf8'), /Autopilot cannot run this/);
  });

  it('drains longer than the longest job: terminationGracePeriodSeconds > WORKER_GRACE_MS > MAX_LONG_JOB_TIMEOUT_MS', () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project', ...env });
    assert.ok(config.WORKER_GRACE_MS > config.MAX_LONG_JOB_TIMEOUT_MS, `WORKER_GRACE_MS ${config.WORKER_GRACE_MS} must outlast the longest job ${config.MAX_LONG_JOB_TIMEOUT_MS}`);
    assert.ok(pod.terminationGracePeriodSeconds * 1000 > config.WORKER_GRACE_MS, 'Kubernetes must not SIGKILL before the drain ends');
    assert.equal(deployment.spec.template.metadata.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict'], 'false');
  });

  it('starts pulling only once the sandbox works (the health port opens after the probe) and sizes /tmp for the jobs', () => {
    assert.deepEqual(container.startupProbe.tcpSocket, { port: 'health' });
    assert.equal(env.WORKER_HEALTH_PORT, '8080');
    const jobs = Number(env.WORKER_CONCURRENCY);
    const perJob = Number(env.WORKSPACE_MAX_BYTES) + Number(env.OUTPUT_MAX_BYTES) + 2 ** 30; // + installed dependencies
    const tmp = (pod.volumes as Doc[]).find((v) => v.name === 'tmp')!;
    assert.ok(parseInt(tmp.emptyDir.sizeLimit, 10) * 2 ** 30 >= jobs * perJob, '/tmp holds every running job');
    assert.deepEqual(container.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it('serves Prometheus /metrics on METRICS_PORT and tells every kind of Prometheus to scrape it', () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project', ...env });
    const port = (container.ports as Doc[]).find((p) => p.name === 'metrics')!;
    assert.equal(port.containerPort, config.METRICS_PORT, 'the container port is the one the worker listens on');
    assert.notEqual(config.METRICS_PORT, config.WORKER_HEALTH_PORT);
    const annotations = deployment.spec.template.metadata.annotations as Record<string, string>;
    assert.deepEqual([annotations['prometheus.io/scrape'], annotations['prometheus.io/port'], annotations['prometheus.io/path']], ['true', String(config.METRICS_PORT), '/metrics']);
    const labels = deployment.spec.template.metadata.labels as Record<string, string>;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const [service, monitor] = docs('metrics-servicemonitor.yaml');
    assert.equal(service!.kind, 'Service');
    assert.ok(selects(service!.spec.selector), 'the Service selects the worker pods');
    assert.deepEqual(service!.spec.ports, [{ name: 'metrics', port: config.METRICS_PORT, targetPort: 'metrics' }]);
    assert.equal(monitor!.kind, 'ServiceMonitor');
    assert.deepEqual(monitor!.spec.selector.matchLabels, Object.fromEntries(Object.entries(service!.metadata.labels as Record<string, string>).filter(([k]) => k in monitor!.spec.selector.matchLabels)));
    assert.deepEqual(monitor!.spec.endpoints.map((e: Doc) => [e.port, e.path]), [['metrics', '/metrics']]);
    const [gmp] = docs('metrics-podmonitoring.yaml');
    assert.equal(gmp!.kind, 'PodMonitoring');
    assert.ok(selects(gmp!.spec.selector.matchLabels), 'the PodMonitoring selects the worker pods');
    assert.deepEqual(gmp!.spec.endpoints.map((e: Doc) => [e.port, e.path]), [['metrics', '/metrics']]);
    for (const d of [service!, monitor!, gmp!]) assert.equal(d.metadata.namespace, deployment.metadata.namespace);
  });

  it('delivers as the cloud worker does: the commits\' author and forge hosts set, the GitHub App from one optional secret', () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project', ...env });
    assert.deepEqual(config.GIT_AUTHOR, parseConfig({}).GIT_AUTHOR);
    assert.deepEqual(config.FORGE_HOSTS, []);
    const refs = (container.env as Doc[]).filter((e) => /^GITHUB_APP_/.test(e.name as string)).map((e) => [e.name, e.valueFrom.secretKeyRef]);
    assert.deepEqual(refs, [
      ['GITHUB_APP_ID', { name: 'codex-jobs-github-app', key: 'GITHUB_APP_ID', optional: true }],
      ['GITHUB_APP_PRIVATE_KEY', { name: 'codex-jobs-github-app', key: 'GITHUB_APP_PRIVATE_KEY', optional: true }],
    ]);
  });

  it('gives the gcp-pubsub scaler the subscription as a full resource name, and no key it does not have', () => {
    const scaled = docs('scaledobject.yaml').find((d) => d.kind === 'ScaledObject')!;
    const trigger = (scaled.spec.triggers as Doc[])[0]!;
    assert.equal(trigger.type, 'gcp-pubsub');
    assert.equal(trigger.metadata.subscriptionName, `projects/PROJECT/subscriptions/${env.LONG_JOBS_SUBSCRIPTION}`);
    assert.deepEqual(Object.keys(trigger.metadata).sort(), ['activationValue', 'mode', 'subscriptionName', 'value']);
    assert.equal(trigger.metadata.value, env.WORKER_CONCURRENCY, 'one replica per WORKER_CONCURRENCY waiting messages');
  });
});
