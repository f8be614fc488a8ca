/** @module `/api/v1/campaigns` (SPEC §4). */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError, type FieldProblem } from '../../contract/errors.js';
import { findCampaign, insertCampaign, listCampaigns, updateCampaign } from '../../db/repositories/campaign.repository.js';
import type { CampaignUpdate, CommissionRule } from '../../db/tables/campaign.table.js';
import type { HubServices } from '../../hub-services.js';
import { newId } from '../../lib/ids.js';
import { MAX_MINOR_AMOUNT, parseMajorAmount, parseScaledDecimal } from '../../lib/money.js';
import { merchantAuth, requireWriteScope } from '../middleware/authenticate.js';
import { presentCampaign } from '../presenters/campaign.presenter.js';
import { sendData, sendList } from '../responses.js';
import { amountField, currencyField, nameField, pageQueryFields, pageRequest } from '../schemas.js';
import { parseOrThrow, pathParameter } from '../validation.js';

const rateField = z.union([z.number(), z.string()], { error: 'must be a number or a decimal string' });

const commissionField = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('percent'), rate: rateField }),
  z.strictObject({ type: z.literal('flat'), amount: amountField }),
  z.strictObject({
    type: z.literal('tiered'),
    tiers: z.array(z.strictObject({ from: z.int().min(1, 'must be at least 1'), rate: rateField })).min(1, 'needs at least one tier').max(50),
  }),
], { error: 'must be {type: "percent", rate} | {type: "flat", amount} | {type: "tiered", tiers}' });

const recurringField = z.union([z.null(), z.literal('lifetime'), z.strictObject({ months: z.int().min(1).max(1200) })],
  { error: 'must be null, "lifetime" or {"months": N}' });

const settingsFields = {
  commissionBase: z.enum(['net', 'gross']).optional(),
  cookieWindowDays: z.int().min(1).max(3650).optional(),
  clockSkewMinutes: z.int().min(0).max(1440).optional(),
  recurring: recurringField.optional(),
  holdDays: z.int().min(0).max(3650).optional(),
  selfReferral: z.enum(['reject', 'allow']).optional(),
};

export const createBody = z.strictObject({ name: nameField, currency: currencyField, commission: commissionField, ...settingsFields });
export const updateBody = z.strictObject({ name: nameField.optional(), commission: commissionField.optional(), ...settingsFields });
export const listQuery = z.strictObject({ ...pageQueryFields });

type CommissionInput = z.output<typeof commissionField>;

/** Percent with up to two decimals, above 0 and at most 100, as basis points. */
function parseRate(input: unknown, field: string, problems: FieldProblem[]): number {
  const parsed = parseScaledDecimal(input, 2, 10_000);
  if (!parsed.ok) {
    problems.push({ field, message: parsed.tooManyDecimals ? 'a rate has at most 2 decimals' : parsed.message === 'is too large' ? 'must be at most 100' : parsed.message });
    return 0;
  }
  if (parsed.value === 0) problems.push({ field, message: 'must be greater than 0' });
  return parsed.value;
}

export function toCommissionRule(input: CommissionInput, currency: string): CommissionRule {
  const problems: FieldProblem[] = [];
  let rule: CommissionRule;
  switch (input.type) {
    case 'percent':
      rule = { type: 'percent', rateBasisPoints: parseRate(input.rate, 'commission.rate', problems) };
      break;
    case 'flat': {
      const amount = parseMajorAmount(input.amount, currency);
      if (!amount.ok) problems.push({ field: 'commission.amount', message: amount.message });
      rule = { type: 'flat', amountMinor: amount.ok ? Math.min(amount.minor, MAX_MINOR_AMOUNT) : 0 };
      break;
    }
    case 'tiered': {
      const tiers = input.tiers.map((tier, index) => ({ from: tier.from, rateBasisPoints: parseRate(tier.rate, `commission.tiers.${index}.rate`, problems) }));
      if (tiers[0]?.from !== 1) problems.push({ field: 'commission.tiers.0.from', message: 'the first tier must start at 1' });
      tiers.forEach((tier, index) => {
        const previous = tiers[index - 1];
        if (previous && tier.from <= previous.from) problems.push({ field: `commission.tiers.${index}.from`, message: 'tiers must be in increasing order of from' });
      });
      rule = { type: 'tiered', tiers };
      break;
    }
  }
  if (problems.length > 0) throw new ValidationError(`invalid commission: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`, problems);
  return rule;
}

export function campaignRoutes(services: HubServices): Router {
  const router = Router();
  const { db, clock } = services;

  router.post('/', requireWriteScope, async (req, res) => {
    const body = parseOrThrow(createBody, req.body);
    const { merchantId } = merchantAuth(res);
    const now = clock.now();
    const campaign = await insertCampaign(db, {
      merchant_id: merchantId,
      id: newId('camp'),
      name: body.name,
      currency: body.currency,
      commission: JSON.stringify(toCommissionRule(body.commission, body.currency)),
      commission_base: body.commissionBase ?? 'net',
      cookie_window_days: body.cookieWindowDays ?? 30,
      clock_skew_minutes: body.clockSkewMinutes ?? 15,
      recurring: JSON.stringify(body.recurring ?? null),
      hold_days: body.holdDays ?? 30,
      self_referral: body.selfReferral ?? 'reject',
      created_at: now,
      updated_at: now,
    });
    sendData(res, 201, presentCampaign(campaign));
  });

  router.get('/', async (req, res) => {
    const page = pageRequest(parseOrThrow(listQuery, req.query, 'query'));
    const { rows, total } = await listCampaigns(db, merchantAuth(res).merchantId, page);
    sendList(res, rows.map(presentCampaign), page, total);
  });

  router.get('/:campaignId', async (req, res) => {
    const campaign = await findCampaign(db, merchantAuth(res).merchantId, req.params.campaignId);
    if (!campaign) throw new NotFoundError('campaign');
    sendData(res, 200, presentCampaign(campaign));
  });

  router.patch('/:campaignId', requireWriteScope, async (req, res) => {
    if (req.body && typeof req.body === 'object' && 'currency' in req.body) {
      throw new ValidationError('currency cannot be changed after a campaign is created', [{ field: 'currency', message: 'cannot be changed' }]);
    }
    const body = parseOrThrow(updateBody, req.body);
    const { merchantId } = merchantAuth(res);
    const campaign = await findCampaign(db, merchantId, pathParameter(req, 'campaignId'));
    if (!campaign) throw new NotFoundError('campaign');
    const changes: CampaignUpdate = { updated_at: clock.now() };
    if (body.name !== undefined) changes.name = body.name;
    if (body.commission !== undefined) changes.commission = JSON.stringify(toCommissionRule(body.commission, campaign.currency));
    if (body.commissionBase !== undefined) changes.commission_base = body.commissionBase;
    if (body.cookieWindowDays !== undefined) changes.cookie_window_days = body.cookieWindowDays;
    if (body.clockSkewMinutes !== undefined) changes.clock_skew_minutes = body.clockSkewMinutes;
    if (body.recurring !== undefined) changes.recurring = JSON.stringify(body.recurring);
    if (body.holdDays !== undefined) changes.hold_days = body.holdDays;
    if (body.selfReferral !== undefined) changes.self_referral = body.selfReferral;
    const updated = await updateCampaign(db, merchantId, campaign.id, changes);
    if (!updated) throw new NotFoundError('campaign');
    sendData(res, 200, presentCampaign(updated));
  });

  return router;
}
