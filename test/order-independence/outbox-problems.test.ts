/** The harness's outbox check itself: it must accept a clean history and name every way one can go wrong. */
import { describe, expect, it } from 'vitest';
import { outboxProblems, type ConversionState, type OutboundEventSeen } from './harness.js';

const state = (status: string, commission: number): ConversionState => ({
  id: 'conv_1', status, commission, currency: 'USD', adjustments: [{ commissionDelta: commission }],
});
const event = (type: string, status: string, commission: number): OutboundEventSeen => ({ type, body: { type, timestamp: '2026-01-01T00:00:00Z', data: state(status, commission) } });

describe('outboxProblems', () => {
  const created = event('conversion.created', 'pending', 9);
  const updated = event('conversion.updated', 'pending', 7.18);
  const reversed = event('conversion.reversed', 'reversed', 0);

  it('accepts one event per state change ending at the final state', () => {
    expect(outboxProblems([created, updated, reversed], { id: 'conv_1', status: 'reversed', commission: 0, currency: 'USD' })).toEqual([]);
  });

  it.each([
    ['no events', [], 'pending', 9, 'no event at all'],
    ['a first event that is not the creation', [updated], 'pending', 7.18, 'the first event must be conversion.created'],
    ['an event that changes nothing', [created, event('conversion.updated', 'pending', 9)], 'pending', 9, 'announces no change'],
    ['a reversal announced as an update', [created, event('conversion.updated', 'reversed', 0)], 'reversed', 0, 'is conversion.reversed'],
    ['an update announced as a reversal', [created, event('conversion.reversed', 'pending', 7.18)], 'pending', 7.18, 'is conversion.updated'],
    ['a missing last event', [created, updated], 'reversed', 0, 'the last event shows pending, 7.18'],
    ['a second creation', [created, event('conversion.created', 'pending', 7.18)], 'pending', 7.18, 'is conversion.updated'],
  ] as const)('names %s', (_label, events, status, commission, problem) => {
    const problems = outboxProblems(events, { id: 'conv_1', status, commission, currency: 'USD' });
    expect(problems.join('\n')).toContain(problem);
  });

  it('catches a ledger that does not add up, in KWD minor units', () => {
    const broken: OutboundEventSeen = { type: 'conversion.created', body: { type: 'conversion.created', timestamp: 't', data: { id: 'conv_1', status: 'pending', commission: 1.852, currency: 'KWD', adjustments: [{ commissionDelta: 1.85 }] } } };
    expect(outboxProblems([broken], { id: 'conv_1', status: 'pending', commission: 1.852, currency: 'KWD' })).toEqual([expect.stringContaining('ledger does not add up')]);
  });
});
