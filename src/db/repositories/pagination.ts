/** @module Page arithmetic shared by every list query. */

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export function pageOffset(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}
