// What `watch` and `submit --follow` show while a job runs: the stage and elapsed time, the setup
// phase of a job with an environment (its live output, then how it ended), each command with its exit
// code, the last agent message, a token meter against max_total_tokens and, once the changes are
// delivered, the delivery's state and the pull request's link. On a TTY it
// is redrawn in place (plain ANSI: cursor up, clear below); piped, it prints one plain line per change.
import type { JobDocument, JobEvent } from '../sdk/types.js';
import { deliveryLine, deliveryOfEvent, pullRequestLine, type DeliveryResult } from './delivery-text.js';
import { color, formatDuration } from './output.js';

interface CommandLine {
  command: string;
  exitCode: number | null;
  status: string;
}

const SHOWN_COMMANDS = 8;
/** Setup output lines shown while setup runs (the whole log is setup.log in the outputs bucket). */
const SHOWN_SETUP_LINES = 6;
const METER_WIDTH = 24;

export class WatchView {
  private stage: string;
  private status: string;
  private readonly commands: CommandLine[] = [];
  private setup: { running: boolean; summary: string; lines: string[] } | null = null;
  private lastMessage = '';
  private tokens = 0;
  private delivery: DeliveryResult | undefined;
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly job: JobDocument,
    private readonly stream: NodeJS.WriteStream,
    private readonly live: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.stage = job.progress.stage;
    this.status = job.status;
    this.startedAt = Date.parse(job.created_at) || now();
    this.tokens = job.result?.usage.total_tokens ?? 0;
    if (live) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
      this.draw();
    } else {
      this.plain(`job ${job.job_id} ${job.status} (stage ${this.stage})`);
    }
  }

  private elapsed(): string {
    return formatDuration(this.now() - this.startedAt);
  }

  private plain(text: string): void {
    this.stream.write(`[${this.elapsed()}] ${text}\n`);
  }

  onEvent(event: JobEvent): void {
    const d = event.data;
    switch (event.type) {
      case 'progress':
        if (typeof d.stage === 'string' && d.stage !== this.stage) {
          this.stage = d.stage;
          if (this.status === 'queued' && d.stage !== 'queued') this.status = 'processing';
          if (!this.live) this.plain(`stage ${this.stage}${typeof d.message === 'string' && d.message ? `: ${d.message}` : ''}`);
        }
        break;
      case 'claimed':
        this.status = 'processing';
        break;
      case 'command': {
        const line = { command: oneLine(typeof d.command === 'string' ? d.command : JSON.stringify(d.command)), exitCode: typeof d.exit_code === 'number' ? d.exit_code : null, status: String(d.status ?? '') };
        this.commands.push(line);
        if (!this.live) this.plain(`$ ${line.command}  → ${exitText(line)}`);
        break;
      }
      case 'setup':
        this.onSetup(d);
        break;
      case 'network':
        if (!this.live) this.plain(`network ${String(d.phase)} ${d.allowed === true ? 'allowed' : 'refused'} ${typeof d.method === 'string' ? `${d.method} ` : ''}${String(d.host)}:${String(d.port)}${typeof d.reason === 'string' ? ` (${d.reason})` : ''}`);
        break;
      case 'agent_message':
        this.lastMessage = typeof d.text === 'string' ? d.text : '';
        if (!this.live) this.plain(`agent: ${oneLine(this.lastMessage)}`);
        break;
      case 'token_usage':
        if (typeof d.total_tokens === 'number' && d.total_tokens !== this.tokens) {
          this.tokens = d.total_tokens;
          if (!this.live) this.plain(`tokens ${this.meterText()}`);
        }
        break;
      case 'delivery':
        this.delivery = deliveryOfEvent(d) ?? this.delivery;
        if (!this.live && this.delivery) this.plain(this.deliveryText());
        break;
      case 'finished':
        this.status = String(d.status ?? this.status);
        if (!this.live) this.plain(`finished: ${this.status}`);
        break;
      default:
        break;
    }
    if (this.live) this.draw();
  }

  /** `setup` {stage: started|output|finished, line?, exit_code?, duration_ms?, cache?, stopped?}. */
  private onSetup(d: Record<string, unknown>): void {
    this.setup ??= { running: true, summary: 'running', lines: [] };
    if (d.stage === 'started') {
      this.setup.running = true;
      this.setup.summary = `running${typeof d.script === 'string' ? ` ${d.script}` : ''} (cache ${String(d.cache)})`;
      if (!this.live) this.plain(`setup started (cache ${String(d.cache)})`);
    } else if (d.stage === 'output') {
      const line = typeof d.line === 'string' ? d.line : '';
      this.setup.lines.push(line);
      if (this.setup.lines.length > SHOWN_SETUP_LINES) this.setup.lines.shift();
      if (!this.live) this.plain(`setup │ ${line}`);
    } else if (d.stage === 'finished') {
      this.setup.running = false;
      const ended = typeof d.stopped === 'string' ? `stopped (${d.stopped})` : typeof d.exit_code === 'number' ? `exit ${d.exit_code}` : 'nothing to run';
      this.setup.summary = `${ended} · cache ${String(d.cache)}${typeof d.duration_ms === 'number' ? ` · ${formatDuration(d.duration_ms)}` : ''}`;
      if (!this.live) this.plain(`setup finished: ${this.setup.summary}`);
    }
  }

  private deliveryText(): string {
    const d = this.delivery!;
    const pr = pullRequestLine(d);
    return `delivery ${deliveryLine(d)}${pr ? ` · ${pr}` : ''}${d.error ? ` · ${oneLine(d.error)}` : ''}`;
  }

  private meterText(): string {
    const budget = this.job.max_total_tokens;
    if (!budget) return `${this.tokens.toLocaleString('en-US')} tokens (no budget set)`;
    const pct = Math.round((this.tokens / budget) * 100);
    return `${this.tokens.toLocaleString('en-US')} / ${budget.toLocaleString('en-US')} tokens (${pct}%)`;
  }

  private meter(): string {
    const budget = this.job.max_total_tokens;
    if (!budget) return `tokens  ${this.meterText()}`;
    const filled = Math.min(METER_WIDTH, Math.round((this.tokens / budget) * METER_WIDTH));
    const bar = '█'.repeat(filled) + '░'.repeat(METER_WIDTH - filled);
    const painted = this.tokens > budget ? color.red(bar) : this.tokens > budget * 0.8 ? color.yellow(bar) : color.green(bar);
    return `tokens  [${painted}] ${this.meterText()}`;
  }

  private lines(): string[] {
    const width = Math.max(40, (this.stream.columns || 100) - 1);
    const cut = (s: string) => (s.length > width ? s.slice(0, width - 1) + '…' : s);
    const out = [`${color.bold(`job ${this.job.job_id}`)}  ${color.status(this.status)}  stage ${this.stage}  elapsed ${this.elapsed()}`];
    if (this.setup) {
      out.push(cut(`setup   ${this.setup.summary}`));
      // Its live output while it runs; once the turn starts, the commands take the space.
      if (this.setup.running || !this.commands.length) for (const l of this.setup.lines) out.push(color.dim(cut(`  │ ${oneLine(l)}`)));
    }
    const shown = this.commands.slice(-SHOWN_COMMANDS);
    if (this.commands.length > shown.length) out.push(color.dim(`  … ${this.commands.length - shown.length} earlier command(s)`));
    for (const c of shown) out.push(cut(`  $ ${c.command}`.padEnd(Math.min(60, width - 12))) + `  ${exitText(c)}`);
    if (!this.commands.length) out.push(color.dim('  (no commands yet)'));
    out.push(cut(`agent   ${this.lastMessage ? oneLine(this.lastMessage) : color.dim('(no message yet)')}`));
    out.push(this.meter());
    if (this.delivery) out.push(cut(this.deliveryText()));
    return out;
  }

  private draw(): void {
    const lines = this.lines();
    // Back to the first line drawn last time, clear to the end of the screen, draw again.
    const up = this.drawnLines ? `\x1b[${this.drawnLines}F` : '';
    this.stream.write(`${up}\x1b[0J${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  /** Final draw with the finished document; stops the clock. */
  finish(job?: JobDocument): void {
    if (job) {
      this.status = job.status;
      this.stage = job.progress.stage;
      if (job.result) this.tokens = job.result.usage.total_tokens;
      if (job.result?.delivery) this.delivery = job.result.delivery;
    }
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function exitText(c: CommandLine): string {
  if (c.exitCode === null) return color.dim(c.status || 'no exit code');
  return c.exitCode === 0 ? color.green('exit 0') : color.red(`exit ${c.exitCode}`);
}
