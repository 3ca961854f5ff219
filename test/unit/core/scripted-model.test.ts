// The offline scripted model: prompt directives → replies, request parsing, and the Responses-API
// stream it serves over HTTP on 127.0.0.1.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { parseModelRequest, replyFromDirectives, startScriptedModel, type ModelRequest } from '../../../dev/scripted-model.js';

const req = (prompt: string, step = 0): ModelRequest => ({ prompt, step, userTexts: [prompt], body: {}, authorization: undefined });
const userMessage = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const toolOutput = (n: number) => ({ type: 'function_call_output', call_id: `call_${n}`, output: 'ok' });

describe('replyFromDirectives', () => {
  it('runs the default command first, then answers', () => {
    const first = replyFromDirectives(req('write something', 0));
    assert.equal(first.kind, 'command');
    assert.match((first as { cmd: string }).cmd, /result\.md/);
    const second = replyFromDirectives(req('write something', 1));
    assert.equal(second.kind, 'message');
  });

  it('runs [[cmd:…]] directives in order, one per step, then the [[final:…]] text', () => {
    const prompt = 'go [[cmd:echo one > a.txt]] then [[cmd:ls -la]] and [[final:All good]]';
    assert.deepEqual(replyFromDirectives(req(prompt, 0)), { kind: 'command', cmd: 'echo one > a.txt' });
    assert.deepEqual(replyFromDirectives(req(prompt, 1)), { kind: 'command', cmd: 'ls -la' });
    assert.deepEqual(replyFromDirectives(req(prompt, 2)), { kind: 'message', text: 'All good' });
  });

  it('a [[final:…]] alone answers at once, multi-line text included', () => {
    assert.deepEqual(replyFromDirectives(req('[[final:{"a":\n1}]]')), { kind: 'message', text: '{"a":\n1}' });
  });

  it('[[nocmd]] answers without running the default command', () => {
    assert.equal(replyFromDirectives(req('[[nocmd]] hello')).kind, 'message');
  });

  it('[[error:N]] and [[hang]] win over commands', () => {
    assert.deepEqual(replyFromDirectives(req('[[cmd:ls]] [[error:503]]')), { kind: 'error', status: 503 });
    assert.deepEqual(replyFromDirectives(req('[[error]]')), { kind: 'error', status: 500 });
    assert.deepEqual(replyFromDirectives(req('[[cmd:ls]] [[hang]]')), { kind: 'hang' });
  });
});

describe('parseModelRequest', () => {
  it('takes the newest user prompt and counts tool outputs after it', () => {
    const body = {
      input: [
        userMessage('<environment_context>cwd</environment_context>'),
        userMessage('first turn'),
        { type: 'function_call', call_id: 'call_0' },
        toolOutput(0),
        userMessage('second turn [[cmd:ls]]'),
        { type: 'function_call', call_id: 'call_1' },
        toolOutput(1),
        { type: 'function_call', call_id: 'call_2' },
        toolOutput(2),
      ],
    };
    const r = parseModelRequest(body, 'Bearer k');
    assert.equal(r.prompt, 'second turn [[cmd:ls]]');
    assert.equal(r.step, 2);
    assert.deepEqual(r.userTexts, ['first turn', 'second turn [[cmd:ls]]']);
    assert.equal(r.authorization, 'Bearer k');
  });

  it('is step 0 on the first call and copes with no input', () => {
    assert.equal(parseModelRequest({ input: [userMessage('hi')] }).step, 0);
    const empty = parseModelRequest({});
    assert.equal(empty.prompt, '');
    assert.equal(empty.step, 0);
  });
});

/** Server-sent events of a body: [{event, data}] in order. */
function sseFrames(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice('event: '.length);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice('data: '.length)) as Record<string, unknown>;
      return { event, data };
    });
}

async function canListen(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('startScriptedModel over HTTP', () => {
  it('streams a message turn as Responses-API events and records the request', async (t) => {
    const model = await startScriptedModel();
    t.after(() => model.close());
    assert.match(model.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${model.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
      body: JSON.stringify({ model: 'scripted', input: [userMessage('say hi [[final:Hello there]] [[tokens:50]]')] }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const frames = sseFrames(await res.text());
    assert.deepEqual(
      frames.map((f) => f.event),
      ['response.created', 'response.output_item.added', 'response.output_text.delta', 'response.output_item.done', 'response.completed'],
    );
    for (const f of frames) assert.equal(f.data.type, f.event);
    const id = (frames[0]!.data.response as { id: string }).id;
    const completed = frames.at(-1)!.data.response as { id: string; usage: { total_tokens: number; input_tokens: number; output_tokens: number } };
    assert.equal(completed.id, id);
    assert.equal(completed.usage.total_tokens, 50);
    assert.equal(completed.usage.input_tokens + completed.usage.output_tokens, 50);
    const item = frames[3]!.data.item as { type: string; content: { text: string }[] };
    assert.equal(item.type, 'message');
    assert.equal(item.content[0]!.text, 'Hello there');
    assert.equal(model.requests.length, 1);
    assert.equal(model.requests[0]!.authorization, 'Bearer test-key');
    assert.equal(model.requests[0]!.step, 0);
  });

  it('streams a command as an exec_command function call', async (t) => {
    const model = await startScriptedModel();
    t.after(() => model.close());
    const res = await fetch(`${model.url}/responses`, { method: 'POST', body: JSON.stringify({ input: [userMessage('[[cmd:echo hi > out.txt]]')] }) });
    const frames = sseFrames(await res.text());
    assert.deepEqual(frames.map((f) => f.event), ['response.created', 'response.output_item.done', 'response.completed']);
    const item = frames[1]!.data.item as { type: string; name: string; arguments: string; call_id: string };
    assert.equal(item.type, 'function_call');
    assert.equal(item.name, 'exec_command');
    assert.equal((JSON.parse(item.arguments) as { cmd: string }).cmd, 'echo hi > out.txt');
    assert.ok(item.call_id);
  });

  it('answers [[error:N]] with that status, unknown paths with 404 and bad JSON with 400', async (t) => {
    const model = await startScriptedModel();
    t.after(() => model.close());
    const err = await fetch(`${model.url}/responses`, { method: 'POST', body: JSON.stringify({ input: [userMessage('[[error:502]]')] }) });
    assert.equal(err.status, 502);
    assert.match(((await err.json()) as { error: { message: string } }).error.message, /502/);
    assert.equal((await fetch(`${model.url}/models`)).status, 404);
    assert.equal((await fetch(`${model.url}/responses`, { method: 'POST', body: '{not json' })).status, 400);
  });

  it('follows a custom reply function', async (t) => {
    const model = await startScriptedModel({ reply: () => ({ kind: 'message', text: 'custom' }), tokensPerResponse: 7 });
    t.after(() => model.close());
    const frames = sseFrames(await (await fetch(`${model.url}/responses`, { method: 'POST', body: JSON.stringify({ input: [userMessage('[[error:500]]')] }) })).text());
    assert.equal((frames[3]!.data.item as { content: { text: string }[] }).content[0]!.text, 'custom');
    assert.equal((frames.at(-1)!.data.response as { usage: { total_tokens: number } }).usage.total_tokens, 7);
  });

  it('close() ends a hanging request and frees the port', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const model = await startScriptedModel({
      reply: (r) => {
        received();
        return replyFromDirectives(r);
      },
    });
    const hanging = fetch(`${model.url}/responses`, { method: 'POST', body: JSON.stringify({ input: [userMessage('[[hang]]')] }) }).then(
      (res) => res.text().then(() => 'ended', () => 'aborted'),
      () => 'aborted',
    );
    await arrived;
    await model.close();
    assert.ok(['ended', 'aborted'].includes(await hanging));
    assert.equal(await canListen(model.port), true, `port ${model.port} is still bound`);
  });
});
