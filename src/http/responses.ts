/** @module The success envelopes of SPEC §2. */
import type { Response } from 'express';
import type { PageRequest } from '../db/repositories/pagination.js';

export function sendData(res: Response, status: number, data: unknown): void {
  res.status(status).json({ data });
}

export function sendList(res: Response, data: unknown[], page: PageRequest, total: number): void {
  res.status(200).json({ data, pagination: { page: page.page, perPage: page.perPage, total } });
}
