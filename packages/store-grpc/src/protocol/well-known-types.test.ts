/** Timestamp/Duration fields of the trace messages through protobuf bytes, both directions. */
import { describe, expect, it } from 'vitest';
import { MlflowError } from '@mlflow-ts/format';
import { OBJECT_OPTIONS, lookupType } from './proto-root.js';
import { wellKnownFromWire, wellKnownToWire } from './well-known-types.js';

const type = lookupType('StartTraceV3');

/** What a receiver of the encoded message sees. */
function roundTrip(value: Record<string, unknown>): Record<string, unknown> {
  const bytes = type.encode(type.fromObject(wellKnownToWire(type, value))).finish();
  return wellKnownFromWire(type, type.toObject(type.decode(bytes), OBJECT_OPTIONS));
}

const info = (request_time: unknown, execution_duration?: unknown) => ({
  trace: { trace_info: { trace_id: 'tr-1', request_time, execution_duration } },
});

describe('well-known types on the trace messages', () => {
  it.each([
    [
      'RFC 3339 with milliseconds and a "0.325s" duration',
      info('2024-03-01T10:00:00.123Z', '0.325s'),
      1709287200123,
      325,
    ],
    ['whole seconds and a long duration', info('2024-03-01T10:00:00Z', '3600s'), 1709287200000, 3_600_000],
    ['ms numbers as the handlers also give them', info(1709287200999, 1), 1709287200999, 1],
    ['a time before 1970 and a negative duration', info('1969-12-31T23:59:59.500Z', '-1.250s'), -500, -1250],
  ])('%s', (_what, value, ms, durationMs) => {
    const out = roundTrip(value) as { trace: { trace_info: Record<string, unknown> } };
    expect(out.trace.trace_info).toMatchObject({ trace_id: 'tr-1', request_time: ms, execution_duration: durationMs });
  });

  it('writes the canonical forms: nanos never negative on a Timestamp, signed like seconds on a Duration', () => {
    const wire = wellKnownToWire(type, info('1969-12-31T23:59:59.500Z', '-1.250s')) as {
      trace: { trace_info: Record<string, unknown> };
    };
    expect(wire.trace.trace_info.request_time).toEqual({ seconds: -1, nanos: 500_000_000 });
    expect(wire.trace.trace_info.execution_duration).toEqual({ seconds: -1, nanos: -250_000_000 });
  });

  it('leaves an unset timestamp unset and the caller’s object as it was', () => {
    const value = info(undefined);
    const out = roundTrip(value) as { trace: { trace_info: Record<string, unknown> } };
    expect(out.trace.trace_info.request_time).toBeUndefined();
    expect(value.trace.trace_info.request_time).toBeUndefined();
    const withTime = info('2024-03-01T10:00:00Z');
    wellKnownToWire(type, withTime);
    expect(withTime.trace.trace_info.request_time).toBe('2024-03-01T10:00:00Z');
  });

  it('refuses a timestamp that is not RFC 3339 with INVALID_PARAMETER_VALUE', () => {
    let caught: unknown;
    try {
      wellKnownToWire(type, info('yesterday'));
    } catch (e) {
      caught = e;
    }
    expect(MlflowError.isInstance(caught) && caught.code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('costs nothing on messages without them', () => {
    const metric = lookupType('LogMetric');
    const value = { run_id: 'r', key: 'k', value: 1, timestamp: 2 };
    expect(wellKnownToWire(metric, value)).toBe(value);
  });
});
