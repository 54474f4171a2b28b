// Issue 3 item 4, one test per refusal: what JSON.parse lets through but two readers could read
// differently is an Invalid Request, and what is accepted is the gateway's canonical copy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessages } from './parse-message.js';

const call = (params: string, id = '1') => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":${params}}`;

function refused(text: string, pattern?: RegExp): void {
  const parsed = parseMessages(text);
  assert.equal(parsed.kind, 'invalid', `accepted: ${text}`);
  if (parsed.kind === 'invalid' && pattern) assert.match(parsed.message, pattern);
}

describe('strict parsing', () => {
  test('lone surrogates, escaped, in a value or a key, are refused; pairs pass', () => {
    refused(call('{"name":"echo\\ud800","arguments":{}}'), /lone UTF-16 surrogate in the string at params.name/);
    refused(call('{"name":"echo","arguments":{"text":"\\udc00x"}}'), /params.arguments.text/);
    refused(call('{"name":"echo","arguments":{"\\uD800":1}}'), /lone UTF-16 surrogate in a key in params.arguments/);
    refused(call('{"name":"echo","arguments":{"t":["\\udc00\\ud800"]}}'));
    assert.equal(parseMessages(call('{"name":"echo","arguments":{"text":"\\ud83d\\ude00 😀"}}')).kind, 'single');
  });

  test('case variants of protocol keys are refused, at the top, in params and in _meta', () => {
    refused('{"jsonrpc":"2.0","id":1,"method":"ping","Method":"tools/call"}', /"Method" in the message is not the protocol key "method"/);
    refused('{"jsonrpc":"2.0","ID":1,"method":"notifications/initialized"}', /"ID"/);
    refused('{"jsonrpc":"2.0","id":1,"method":"tools/list","Params":{}}', /"Params"/);
    refused(call('{"name":"echo","Name":"transfer","arguments":{}}'), /"Name" in params/);
    refused(call('{"name":"echo","ARGUMENTS":{}}'), /"ARGUMENTS" in params/);
    refused(call('{"name":"echo","_meta":{"ProgressToken":1}}'), /params._meta/);
    // The 2026-07-28 envelope keys too: a variant would dodge the version and capability checks.
    refused(call('{"name":"echo","_meta":{"IO.modelcontextprotocol/protocolVersion":"2026-07-28"}}'), /params._meta/);
    refused(call('{"name":"echo","_meta":{"io.modelcontextprotocol/clientcapabilities":{}}}'), /params._meta/);
    refused(call('{"name":"echo","foo":1,"FOO":2}'), /differ only in case/);
    // Argument names belong to the tool, not the protocol.
    assert.equal(parseMessages(call('{"name":"echo","arguments":{"Name":1,"name":2}}')).kind, 'single');
  });

  test('NaN, Infinity and numbers that overflow a double are refused', () => {
    refused(call('{"name":"spend","arguments":{"amount":NaN}}'), /Parse error/);
    refused(call('{"name":"spend","arguments":{"amount":-Infinity}}'), /Parse error/);
    refused(call('{"name":"spend","arguments":{"amount":1e400}}'), /too large for a double at params.arguments.amount/);
    refused(call('{"name":"spend","arguments":{"amount":[-1E+999]}}'), /params.arguments.amount\[0\]/);
    assert.equal(parseMessages(call('{"name":"spend","arguments":{"amount":1e308}}')).kind, 'single');
  });

  test('ids that are not safe integers are refused', () => {
    for (const id of ['9007199254740993', '-9007199254740993', '9007199254740992', '1e300', '1.5', 'null', 'true', '{}']) {
      refused(call('{"name":"echo"}', id), /"id" must be a string or an integer/);
    }
    assert.equal(parseMessages(call('{"name":"echo"}', '9007199254740991')).kind, 'single');
  });

  test('trailing data after the JSON is refused; trailing whitespace is not data', () => {
    for (const tail of ['x', '{}', ',', ']', '\u0000', call('{"name":"count"}')]) refused(call('{"name":"echo"}') + tail, /Parse error/);
    assert.equal(parseMessages(`${call('{"name":"echo"}')} \r\n\t`).kind, 'single');
  });

  test('a method that reads as an MCP method but is spelled otherwise is refused', () => {
    for (const method of ['Tools/call', 'tools/call ', 'tools/call\u200b', 'ｔools/call', 'TOOLS/LIST', ' initialize']) {
      refused(`{"jsonrpc":"2.0","id":1,"method":${JSON.stringify(method)},"params":{"name":"echo"}}`, /matched exactly/);
    }
    assert.equal(parseMessages('{"jsonrpc":"2.0","id":1,"method":"vendor/anything"}').kind, 'single');
  });

  test('a batch carrying any request is refused; notifications and responses may be batched', () => {
    const note = '{"jsonrpc":"2.0","method":"notifications/initialized"}';
    const request = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const parsed = parseMessages(`[${note},${request}]`);
    assert.deepEqual(parsed.kind === 'invalid' && parsed.code, 'BATCH_WITH_REQUEST');
    assert.equal(parseMessages(`[${note},{"jsonrpc":"2.0","id":3,"result":{}}]`).kind, 'batch');
  });

  test('members of the wrong kind are refused: a request with a result, a response with a bad result or error', () => {
    refused('{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}', /carries no "result"/);
    refused('{"jsonrpc":"2.0","id":1,"result":5}', /"result" must be an object/);
    refused('{"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}}', /"error" must be an object/);
  });

  test('a _meta that is not an object, or a progress token that is neither string nor integer, is refused', () => {
    // Found by the fuzz: an SDK server drops such a request silently and the client waits for nothing.
    for (const meta of ['"x"', '[1]', 'null', '{"progressToken":[1]}', '{"progressToken":1.5}', '{"progressToken":null}']) {
      refused(call(`{"name":"echo","_meta":${meta}}`), /params._meta/);
    }
    assert.equal(parseMessages(call('{"name":"echo","_meta":{"progressToken":"t","traceparent":"x"}}')).kind, 'single');
  });

  test('what is accepted is re-serialised from its protocol members only', () => {
    const parsed = parseMessages('{"extra":{"method":"tools/call"},"params":{"name":"echo","arguments":{"a":1}},"method":"tools/call","id":"x","jsonrpc":"2.0"}');
    assert.equal(parsed.kind, 'single');
    if (parsed.kind !== 'single') return;
    assert.equal(JSON.stringify(parsed.message), '{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"echo","arguments":{"a":1}}}');
  });
});
