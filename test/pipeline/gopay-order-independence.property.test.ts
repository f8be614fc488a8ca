/**
 * Order independence (SPEC §9) for GoPay, as a property. GoPay's notifications say only "payment
 * <id> changed", so what varies is when they come and what GoPay says when asked: notifications
 * for several payments (a purchase moving CREATED → PAID → PARTIALLY_REFUNDED while they arrive, a
 * recurring payment and its child in either order, a cancelled payment, another GoID's payment) are
 * sent in random order, repeated, in concurrent bursts, processed at random moments; once the last
 * state change has been notified, every run ends in the same conversions — the values below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { attributedGoPayPayment, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, gopayPayment, gopayRefunds, notifyGoPay, Q1, setUpGoPayMerchant, type GoPayMerchant } from '../helpers/gopay.js';
import { conversionsOf, type ConversionView } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const R1 = 3000007210;
const R1_CHILD = 3000008344;
const Q3_CANCELED = 3000006617;
const Q6_FOREIGN = 3000009377;

/** Q1's life as GoPay reports it, one state after another. */
const Q1_TIMELINE = ['payment.CREATED.1', 'payment.PAYMENT_METHOD_CHOSEN.1', 'payment.PAID.1', 'payment.PARTIALLY_REFUNDED.1'];

// Worked out by hand from SPEC §9: Q1 1399.50 CZK at 20 % → 279.90; 300.00 refunded (SUCCESS only) → 219.90.
// R1 299.00 → 59.80, and its child renews it (lifetime campaign) → 59.80. The cancelled and the foreign payment earn nothing.
const expected: Record<string, Partial<ConversionView>> = {
  [String(Q1)]: { conversionType: 'one_time', amount: 1399.5, refundedAmount: 300, commission: 219.9, status: 'pending' },
  [String(R1)]: { conversionType: 'subscription', amount: 299, refundedAmount: 0, commission: 59.8, status: 'pending' },
  [String(R1_CHILD)]: { conversionType: 'recurring', amount: 299, refundedAmount: 0, commission: 59.8, status: 'pending' },
};

function essence(conversions: ConversionView[]) {
  return Object.fromEntries(conversions.map((row) => {
    const ledgerTotal = row.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * 100), 0) / 100;
    return [row.orderId, { conversionType: row.conversionType, amount: row.amount, refundedAmount: row.refundedAmount, commission: row.commission, status: row.status, ledgerTotal }];
  }));
}

describe('GoPay notifications in any order, any number of times', () => {
  let hub: TestHub;
  let double: GoPayApiDouble;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock });
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });

  const setQ1 = (merchant: GoPayMerchant, step: number) => {
    const fixture = Q1_TIMELINE[Math.min(step, Q1_TIMELINE.length - 1)]!;
    double.setPayment(attributedGoPayPayment(fixture, merchant), fixture === 'payment.PARTIALLY_REFUNDED.1' ? gopayRefunds('refunds.1') : []);
  };

  it('always ends the same', async () => {
    const schedule = fc.record({
      repeats: fc.record({ q1: fc.integer({ min: 1, max: 4 }), r1: fc.integer({ min: 1, max: 3 }), child: fc.integer({ min: 1, max: 3 }), q3: fc.integer({ min: 1, max: 2 }), q6: fc.integer({ min: 1, max: 2 }) }),
      order: fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
      /** Before which bursts Q1 moves on to its next state. */
      advances: fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
      burst: fc.integer({ min: 1, max: 5 }),
    });
    await fc.assert(fc.asyncProperty(schedule, async ({ repeats, order, advances, burst }) => {
      const merchant = await setUpGoPayMerchant(hub, double, { campaign: { recurring: 'lifetime' } });
      double.setPayment(attributedGoPayPayment('payment.PAID.2', merchant));
      double.setPayment(gopayPayment('payment.PAID.3'));
      double.setPayment(attributedGoPayPayment('payment.CANCELED.1', merchant));
      double.setPayment(attributedGoPayPayment('payment.PAID.5', merchant));
      let q1Step = 0;
      setQ1(merchant, q1Step);

      const notifications = [
        ...Array<number>(repeats.q1).fill(Q1), ...Array<number>(repeats.r1).fill(R1), ...Array<number>(repeats.child).fill(R1_CHILD),
        ...Array<number>(repeats.q3).fill(Q3_CANCELED), ...Array<number>(repeats.q6).fill(Q6_FOREIGN),
      ];
      const shuffled = notifications.map((id, index) => ({ id, key: order[index % order.length]! * 100 + index })).sort((a, b) => a.key - b.key).map((entry) => entry.id);
      for (let start = 0, round = 0; start < shuffled.length; start += burst, round += 1) {
        if (advances[round % advances.length]) setQ1(merchant, (q1Step += 1));
        const responses = await Promise.all(shuffled.slice(start, start + burst).map((id) => notifyGoPay(hub, merchant.connectionId, id)));
        for (const response of responses) expect(response.status).toBe(200);
        if (order[start % order.length]! % 2 === 0) await hub.services.processor.drain();
      }
      // Q1 reaches its last state, and GoPay notifies that change, as it does every change.
      setQ1(merchant, Q1_TIMELINE.length - 1);
      expect((await notifyGoPay(hub, merchant.connectionId, Q1)).status).toBe(200);
      await hub.services.processor.drain();

      const outcome = essence(await conversionsOf(merchant));
      expect(Object.keys(outcome).sort()).toEqual(Object.keys(expected).sort());
      for (const [orderId, values] of Object.entries(expected)) {
        expect(outcome[orderId]).toMatchObject(values);
        expect(outcome[orderId]?.ledgerTotal).toBe(outcome[orderId]?.commission);
      }
    }), { numRuns: 15 });
  }, 240_000);
});
