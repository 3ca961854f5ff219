// What the environments feature costs a job without an environment, shown two ways: the calls the
// processor's run makes for it on such a job (environment lookup, secret redactor, object writer,
// CODEX_HOME settings, the early-start decision), timed per job; and what they change: nothing (the
// writer is the run's own, events and results pass as they are, config.toml is byte-identical to one
// written without the feature, and the app-server still starts during the claim).
import { configToml, providerFromConfig } from '../shared/codex/codex-home.js';
import type { Config } from '../shared/config.js';
import { agentCodexSettings, defaultEnvironmentDeps } from '../shared/environment/job-environment.js';
import { redactingWriter, type ObjectWriter } from '../shared/environment/redacting-writer.js';
import { SecretRedactor } from '../shared/environment/secret-redaction.js';
import type { JobDocument } from '../shared/jobs/job-document.js';
import { startsEarly } from '../shared/processor/early-app-server.js';
import { recordAim } from './bench-report.js';

const ROUNDS = 20_000;

export function environmentFreeCost(config: Config, job: JobDocument): void {
  if (job.environment) throw new Error('environmentFreeCost needs a job without an environment');
  const writer = {} as ObjectWriter;
  const event = { stage: 'codex_running', message: 'codex is working' };
  const provider = providerFromConfig(config);
  const envDeps = defaultEnvironmentDeps(config);
  let same = true;
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const input = envDeps.of(job);
    const redactor = new SecretRedactor(input?.secrets ?? {});
    same &&= redactingWriter(writer, redactor) === writer && redactor.value(event) === event && input === null;
    agentCodexSettings(input);
  }
  const perJobUs = ((performance.now() - started) / ROUNDS) * 1000;
  const sameConfig = configToml(provider, config.CODEX_SANDBOX, agentCodexSettings(null)) === configToml(provider, config.CODEX_SANDBOX);
  const early = startsEarly({}, job);
  console.log(`environment-free job: the environments feature's calls take ${perJobUs.toFixed(2)} µs per job; writer and events untouched: ${same}; config.toml identical to one without the feature: ${sameConfig}; app-server started during the claim: ${early}`);
  if (!same || !sameConfig || !early) throw new Error('an environment-free job is changed by the environments feature');
  recordAim({ benchmark: 'processor', name: 'environments feature on an environment-free job (its calls, per job; nothing else changes)', measured: perJobUs, unit: 'µs', aim: 50 });
}
