import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
// The bodies any web page can make a browser send to another site without asking it first (no
// CORS preflight). A JSON body needs a preflight, which only the allowed origins pass.
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Refuses form posts that a browser sends on behalf of another site: without this, a page anywhere
 * could sign a visitor in to an account of its choosing (login CSRF), or act with their cookies.
 * Browsers name the sending page in Origin (and Sec-Fetch-Site); clients that are not browsers send
 * neither and are let through, as they carry no one else's cookies.
 */
export function refuseCrossSiteForms(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins);
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method) || !FORM_TYPES.has(mediaType(request))) return;
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if (origin !== undefined) {
      if (allowed.has(origin) || origin === `${request.protocol}://${request.host}`) return;
      throw new AppError('csrf_failed', `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.`);
    }
    if (site === 'cross-site') throw new AppError('csrf_failed', 'CSRF Failed: cross-site form posts are not accepted.');
  });
}
