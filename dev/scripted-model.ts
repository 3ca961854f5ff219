// The offline scripted model: a Responses-API server on 127.0.0.1 that Codex talks to instead of a
// real model. The stack uses it when no model is configured; tests use it to script turns.
// It follows directives written in the prompt, so a test can steer a job through any number of
// processes: [[cmd:SHELL]] (one tool call each, in order), [[final:TEXT]], [[error:STATUS]],
// [[tokens:N]] (usage per response), [[hang]] (never answers).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelRequest {
  /** The newest user prompt in the input (environment context and instructions skipped). */
  prompt: string;
  /** How many tool outputs follow that prompt: 0 on the first call of a turn. */
  step: number;
  /** Every user text in the input, oldest first (earlier turns of a resumed thread included). */
  userTexts: string[];
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export type ModelReply =
  | { kind: 'command'; cmd: string; yieldMs?: number }
  | { kind: 'message'; text: string }
  | { kind: 'error'; status: number }
  | { kind: 'hang' };

export interface ScriptedModel {
  url: string;
  port: number;
  requests: ModelRequest[];
  close(): Promise<void>;
}

export interface ScriptedModelOptions {
  port?: number;
  /** Overrides the prompt directives; a promise holds the response until it settles (tests gate turns with it). */
  reply?: (request: ModelRequest) => ModelReply | Promise<ModelReply>;
  tokensPerResponse?: number;
}

const DEFAULT_COMMAND = "printf 'Written by Codex in the job workspace (offline scripted model).\\n' > result.md";

function directives(prompt: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`\\[\\[${name}(?::([\\s\\S]*?))?\\]\\]`, 'g');
  for (const m of prompt.matchAll(re)) out.push(m[1] ?? '');
  return out;
}

/** What the directives of the prompt ask for at this step of the turn. */
export function replyFromDirectives(request: ModelRequest): ModelReply {
  const { prompt, step } = request;
  const error = directives(prompt, 'error')[0];
  if (error !== undefined) return { kind: 'error', status: Number(error) || 500 };
  if (directives(prompt, 'hang').length) return { kind: 'hang' };
  const explicit = directives(prompt, 'cmd');
  const commands = explicit.length || directives(prompt, 'final').length || directives(prompt, 'nocmd').length ? explicit : [DEFAULT_COMMAND];
  if (step < commands.length) return { kind: 'command', cmd: commands[step]! };
  const final = directives(prompt, 'final')[0];
  return { kind: 'message', text: final ?? `Done. I ran ${commands.length} command(s) in the workspace (offline scripted model).` };
}

function userTexts(input: unknown[]): { texts: string[]; lastIndex: number } {
  const texts: string[] = [];
  let lastIndex = -1;
  input.forEach((item, index) => {
    const it = item as { type?: string; role?: string; content?: { type?: string; text?: string }[] };
    if (it.type !== 'message' || it.role !== 'user' || !Array.isArray(it.content)) return;
    for (const c of it.content) {
      if (c.type === 'input_text' && typeof c.text === 'string' && !c.text.trimStart().startsWith('<')) {
        texts.push(c.text);
        lastIndex = index;
      }
    }
  });
  return { texts, lastIndex };
}

export function parseModelRequest(body: Record<string, unknown>, authorization?: string): ModelRequest {
  const input = Array.isArray(body.input) ? (body.input as unknown[]) : [];
  const { texts, lastIndex } = userTexts(input);
  const step = input.slice(lastIndex + 1).filter((i) => (i as { type?: string }).type === 'function_call_output').length;
  return { prompt: texts.at(-1) ?? '', step, userTexts: texts, body, authorization };
}

let counter = 0;
function frames(reply: ModelReply, tokens: number): string {
  const id = `resp_${Date.now()}_${++counter}`;
  const usage = {
    input_tokens: Math.ceil(tokens * 0.8),
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: tokens - Math.ceil(tokens * 0.8),
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: tokens,
  };
  const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  let out = ev('response.created', { response: { id } });
  if (reply.kind === 'command') {
    const item = {
      type: 'function_call',
      id: `fc_${id}`,
      call_id: `call_${id}`,
      name: 'exec_command',
      arguments: JSON.stringify({ cmd: reply.cmd, yield_time_ms: reply.yieldMs ?? 10_000 }),
    };
    out += ev('response.output_item.done', { output_index: 0, item });
  } else if (reply.kind === 'message') {
    const msgId = `msg_${id}`;
    out += ev('response.output_item.added', { output_index: 0, item: { type: 'message', role: 'assistant', id: msgId, content: [] } });
    out += ev('response.output_text.delta', { output_index: 0, content_index: 0, item_id: msgId, delta: reply.text });
    out += ev('response.output_item.done', {
      output_index: 0,
      item: { type: 'message', role: 'assistant', id: msgId, content: [{ type: 'output_text', text: reply.text, annotations: [] }] },
    });
  }
  out += ev('response.completed', { response: { id, usage } });
  return out;
}

export async function startScriptedModel(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  const requests: ModelRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const request = parseModelRequest(body, req.headers.authorization);
      requests.push(request);
      const reply = await (options.reply ?? replyFromDirectives)(request);
      if (res.destroyed) return;
      if (reply.kind === 'error') {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `scripted model error ${reply.status}`, type: 'server_error' } }));
        return;
      }
      if (reply.kind === 'hang') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const tokens = Number(directives(request.prompt, 'tokens')[0] ?? options.tokensPerResponse ?? 100);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(frames(reply, tokens));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
