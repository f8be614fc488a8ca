/**
 * Gumroad order lives. Pings carry no refund amount and, after the first sale ping, no attribution;
 * they come as forms or as JSON. With an access token the Sales API's record of the sale decides
 * (refunded amount, dispute lost or won): read as it ends, or changing while the pings arrive — each
 * ping then sent only once the change it reports happened at the API double. With pings alone: a
 * dispute lost (and won back), a partial refund that waits for an access token, a membership whose
 * renewal is refunded in full.
 */
import { startGumroadApiDouble, type GumroadApiDouble } from '../../../src/doubles/gumroad-api-double.js';
import {
  attributedGumroadFixture,
  GUMROAD_ACCESS_TOKEN,
  gumroadApiSale,
  gumroadFixture,
  gumroadJsonFixture,
  sendGumroadPing,
  setUpGumroadMerchant,
  withGumroadFields,
  type GumroadDelivery,
  type GumroadMerchant,
} from '../../helpers/gumroad.js';
import type { TestHub } from '../../helpers/test-hub.js';
import type { ExpectedConversion, OrderStory, ProcessorStories } from '../harness.js';

interface GumroadStory {
  name: string;
  campaign: Record<string, unknown>;
  /** Whether the connection confirms pings with the Sales API (the double). */
  salesApi: boolean;
  /** What the Sales API says at first (stage 0), and after each change (stage 1, 2, …). */
  apiRecords?: ((double: GumroadApiDouble) => void)[];
  deliveries: (merchant: GumroadMerchant) => { name: string; delivery: GumroadDelivery; stage?: number }[];
  expected: Record<string, ExpectedConversion>;
}

const G1 = 'niBD7_w9Wcu93NQ24c_PhQ==';

const attributed = (name: string, merchant: GumroadMerchant) => ({ name, delivery: attributedGumroadFixture(name, merchant) });
const plain = (name: string) => ({ name, delivery: gumroadFixture(name) });

/** The JSON twin of G1's sale ping, attributed as its form twin is. */
function attributedJsonSale(merchant: GumroadMerchant) {
  const json = gumroadJsonFixture('sale.1');
  json.url_params = { click_id: merchant.clickId, program_id: merchant.campaignId };
  return { name: 'sale.1 (JSON)', delivery: { json } };
}

const stories: GumroadStory[] = [
  {
    name: 'with the Sales API: a sale refunded $10, disputed and won back, with its JSON twins, a cancellation and a test purchase',
    campaign: {},
    salesApi: true,
    apiRecords: [(double) => double.setSale({ ...gumroadApiSale('api.sale.2'), disputed: true, dispute_won: true, chargedback: false })],
    deliveries: (merchant) => [
      attributed('sale.1', merchant), attributedJsonSale(merchant),
      plain('refund.1'), { name: 'refund.1 (JSON)', delivery: { json: gumroadJsonFixture('refund.1') } },
      plain('dispute.1'), plain('dispute_won.1'),
      plain('cancellation.1'), attributed('sale.5', merchant),
    ],
    // The API (its state when the pings are read): $10 of $49 refunded, the dispute won. 9.80 × 39 / 49 = 7.80.
    expected: { [G1]: { conversionType: 'one_time', currency: 'USD', amount: 49, refundedAmount: 10, commission: 7.8, status: 'pending' } },
  },
  {
    name: 'with the Sales API changing while pings arrive: sold, $10 refunded, disputed (lost), then won back',
    campaign: {},
    salesApi: true,
    apiRecords: [
      (double) => double.setSale(gumroadApiSale('api.sale.1')),
      (double) => double.setSale(gumroadApiSale('api.sale.2')),
      (double) => double.updateSale(G1, { disputed: true, chargedback: true }),
      (double) => double.updateSale(G1, { chargedback: false, dispute_won: true }),
    ],
    deliveries: (merchant) => [
      attributed('sale.1', merchant), attributedJsonSale(merchant),
      { ...plain('refund.1'), stage: 1 }, { name: 'refund.1 (JSON)', delivery: { json: gumroadJsonFixture('refund.1') }, stage: 1 },
      { ...plain('dispute.1'), stage: 2 },
      { ...plain('dispute_won.1'), stage: 3 },
    ],
    // A refund ping is read once $10 is refunded, and the dispute_won ping once the API shows it won
    // (a dispute ping read then restores too): $10 of $49 refunded, dispute won → 9.80 × 39 / 49 = 7.80.
    expected: { [G1]: { conversionType: 'one_time', currency: 'USD', amount: 49, refundedAmount: 10, commission: 7.8, status: 'pending' } },
  },
  {
    name: 'pings alone: a sale disputed, lost and won back, and a partial refund that waits for an access token',
    campaign: {},
    salesApi: false,
    deliveries: (merchant) => [attributed('sale.1', merchant), plain('dispute.1'), plain('dispute_won.1'), plain('refund.1')],
    expected: { [G1]: { conversionType: 'one_time', amount: 49, refundedAmount: 0, commission: 9.8, status: 'pending' } },
  },
  {
    name: 'pings alone: a sale disputed and lost',
    campaign: {},
    salesApi: false,
    deliveries: (merchant) => [attributed('sale.1', merchant), attributedJsonSale(merchant), plain('dispute.1')],
    // C0 9.80 (20 % of $49); the lost dispute takes it all → 0, reversed.
    expected: { [G1]: { conversionType: 'one_time', amount: 49, refundedAmount: 0, commission: 0, status: 'reversed' } },
  },
  {
    name: 'pings alone: a membership, its renewal refunded in full, and the cancellation',
    campaign: { recurring: 'lifetime' },
    salesApi: false,
    deliveries: (merchant) => [
      attributed('sale.2', merchant), plain('sale.3'),
      { name: 'sale.3 refunded', delivery: withGumroadFields(gumroadFixture('sale.3'), { resource_name: 'refund', refunded: 'true', is_recurring_charge: null }) },
      plain('cancellation.1'),
    ],
    expected: {
      '3TaF7dAdyKzYpMnzfAaRsA==': { conversionType: 'subscription', amount: 12, refundedAmount: 0, commission: 2.4, status: 'pending' },
      'nSS0dSvWDptSoTkCNYUbQg==': { conversionType: 'recurring', amount: 12, refundedAmount: 12, commission: 0, status: 'reversed' },
    },
  },
];

function orderStory(story: GumroadStory): OrderStory<GumroadApiDouble> {
  return {
    name: story.name,
    expected: story.expected,
    async start(hub: TestHub, double: GumroadApiDouble) {
      const [first, ...changes] = story.apiRecords ?? [];
      first?.(double);
      const connection = story.salesApi ? { options: { accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase } } : {};
      const merchant = await setUpGumroadMerchant(hub, { campaign: story.campaign, connection });
      return {
        ...merchant,
        deliveries: story.deliveries(merchant).map(({ name, delivery, stage }) => ({ label: name, stage, send: () => sendGumroadPing(hub, merchant, delivery) })),
        stages: changes.map((change) => () => change(double)),
      };
    },
  };
}

export const gumroadStories: ProcessorStories<GumroadApiDouble> = {
  processor: 'Gumroad',
  setUp: () => startGumroadApiDouble({ accessTokens: { [GUMROAD_ACCESS_TOKEN]: ['view_sales'] } }),
  tearDown: (double) => double.close(),
  stories: stories.map(orderStory),
};
