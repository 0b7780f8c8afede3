import { describe, expect, it } from 'vitest';
import { sanitizeAttributes, tokenUsageAfter, truncatedPreview } from './span-derived.js';
import type { SpanRecord } from '@mlflow-ts/format';

const spanWith = (attributes: Record<string, string>): SpanRecord => ({
  trace_id: 'AAAAAAAAAAAAAAAAAAAAAA==',
  span_id: 'AAAAAAAAAAE=',
  parent_span_id: null,
  name: 's',
  start_time_unix_nano: 1,
  end_time_unix_nano: 2,
  events: [],
  status: { code: 'STATUS_CODE_OK', message: '' },
  attributes,
});

describe('span-derived (MLflow log_spans rules)', () => {
  it('stores attributes dumped twice once, like sanitize_attributes', () => {
    expect(
      sanitizeAttributes({
        twiceDict: JSON.stringify('{"q": 1}'),
        twiceStr: JSON.stringify('"x"'),
        onceStr: '"LLM"',
        number: JSON.stringify('5'),
        raw: 'not json',
      }),
    ).toEqual({ twiceDict: '{"q": 1}', twiceStr: '"x"', onceStr: '"LLM"', number: '"5"', raw: 'not json' });
  });

  it('previews the last message of the role, else the raw JSON, truncated to 1000 characters', () => {
    const chat = JSON.stringify({
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'last' },
      ],
    });
    expect(truncatedPreview(chat, 'user')).toBe('last');
    expect(
      truncatedPreview(
        JSON.stringify({ choices: [{ message: { role: 'assistant', content: [{ type: 'text', text: 'hello' }] } }] }),
        'assistant',
      ),
    ).toBe('hello');
    expect(truncatedPreview('{"q": "x"}', 'user')).toBe('{"q": "x"}');
    const long = truncatedPreview(JSON.stringify('é'.repeat(2000)), 'user');
    expect([...long]).toHaveLength(1000);
    expect(long.endsWith('...')).toBe(true);
  });

  it('sums token usage over spans onto the existing metadata', () => {
    const spans = [
      spanWith({ 'mlflow.chat.tokenUsage': '{"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}' }),
      spanWith({ 'mlflow.chat.tokenUsage': '{"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}' }),
      spanWith({}),
    ];
    expect(tokenUsageAfter(undefined, spans)).toBe('{"input_tokens": 4, "output_tokens": 5, "total_tokens": 9}');
    expect(tokenUsageAfter('{"input_tokens": 10, "output_tokens": 0, "total_tokens": 10}', spans)).toBe(
      '{"input_tokens": 14, "output_tokens": 5, "total_tokens": 19}',
    );
    expect(tokenUsageAfter(undefined, [spanWith({})])).toBeUndefined();
  });
});
