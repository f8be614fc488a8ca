/** @module The Conversion object of SPEC §5 (money back in major units): what the API returns and outbound events carry. */
import type { ConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { Conversion } from '../../db/tables/conversion.table.js';
import { minorToMajorNumber } from '../../lib/money.js';

/** A ledger line as the Conversion object shows it (a stored one, or one about to be). */
export type PresentedLine = Pick<ConversionAdjustment, 'type' | 'commission_delta' | 'amount' | 'reference' | 'reason' | 'created_at'>;

export function presentConversion(conversion: Conversion, adjustments: readonly PresentedLine[]) {
  const money = (minor: number) => minorToMajorNumber(minor, conversion.currency);
  return {
    id: conversion.id,
    campaignId: conversion.campaign_id,
    affiliateId: conversion.affiliate_id,
    clickId: conversion.click_id,
    visitorId: conversion.visitor_id,
    source: conversion.source,
    orderId: conversion.order_id,
    conversionType: conversion.conversion_type,
    eventType: conversion.event_type,
    currency: conversion.currency,
    amount: money(conversion.amount),
    netAmount: money(conversion.net_amount),
    taxAmount: money(conversion.tax_amount),
    shippingAmount: money(conversion.shipping_amount),
    discountAmount: money(conversion.discount_amount),
    refundedAmount: money(conversion.refunded_amount),
    commission: money(conversion.commission),
    status: conversion.status,
    statusReason: conversion.status_reason,
    metadata: conversion.metadata,
    createdAt: conversion.created_at.toISOString(),
    updatedAt: conversion.updated_at.toISOString(),
    adjustments: adjustments.map((line) => ({
      type: line.type,
      commissionDelta: money(line.commission_delta),
      amount: money(line.amount),
      reference: line.reference,
      reason: line.reason,
      createdAt: line.created_at.toISOString(),
    })),
  };
}

export type ConversionView = ReturnType<typeof presentConversion>;
