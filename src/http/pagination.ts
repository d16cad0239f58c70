import type { FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { nullable } from './common-schemas.js';

// Lists follow the upstream's rule: a bare array, newest first; `?page` or `?page_size` asks for
// DRF's page envelope instead. One way for every list.

export const PAGE_LIMITS = { defaultPageSize: 20, maxPageSize: 100 } as const;

export const ListQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'asks for the paged envelope' })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMITS.maxPageSize, description: `at most ${PAGE_LIMITS.maxPageSize}` })),
});

/** DRF's page envelope, which `?page` or `?page_size` asks for. */
export const paged = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    next: nullable(Type.String({ format: 'uri' })),
    previous: nullable(Type.String({ format: 'uri' })),
    results: Type.Array(item),
  });

/** A list's response schema: the bare array or the envelope. */
export const listOf = <T extends TSchema>(item: T) => Type.Union([Type.Array(item), paged(item)]);

/** Where the client reached us: links in answers point back there. */
export const baseUrlOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

/** A link to another page of the same list, with the same page size. */
function pageLink(request: FastifyRequest, page: number, pageSize: number): string {
  const url = new URL(request.url, baseUrlOf(request));
  url.searchParams.set('page', String(page));
  url.searchParams.set('page_size', String(pageSize));
  return url.toString();
}

export interface PageWindow {
  limit: number;
  offset: number;
}

/**
 * Answers a list request: the bare array, or the page envelope when the query asks for pages.
 * `load` reads one window (and the count) or, without a window, the whole list.
 */
export async function answerList<Row, Body>(
  request: FastifyRequest,
  query: { page?: number; page_size?: number },
  load: (window?: PageWindow) => Promise<{ records: Row[]; count?: number }>,
  present: (row: Row) => Body,
): Promise<Body[] | { count: number; next: string | null; previous: string | null; results: Body[] }> {
  if (query.page === undefined && query.page_size === undefined) return (await load()).records.map(present);
  const size = query.page_size ?? PAGE_LIMITS.defaultPageSize;
  const number = query.page ?? 1;
  const { records, count = 0 } = await load({ limit: size, offset: (number - 1) * size });
  return {
    count,
    next: number * size < count ? pageLink(request, number + 1, size) : null,
    previous: number > 1 ? pageLink(request, Math.min(number - 1, Math.max(1, Math.ceil(count / size))), size) : null,
    results: records.map(present),
  };
}
