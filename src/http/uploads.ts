import multipart, { type MultipartFile } from '@fastify/multipart';
import type { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError, ValidationError } from './errors.js';

/** A file that arrived in a multipart body, read whole (it is bounded by the parser's limits). */
export class UploadedFile {
  constructor(
    readonly fileName: string,
    readonly declaredType: string,
    readonly bytes: Buffer,
  ) {}
}

/** The keyword that marks a body field as a file; only the multipart parser can produce one. */
const UPLOAD_KEYWORD = 'uploadedFile';

/** Registers the `uploadedFile` keyword with the request validator. */
export function uploadKeyword(ajv: Ajv): Ajv {
  return ajv.addKeyword({
    keyword: UPLOAD_KEYWORD,
    errors: false,
    validate: (_schema: boolean, data: unknown) => data instanceof UploadedFile,
  });
}

/** A file field of a multipart body (documented as binary in the OpenAPI document). */
export const FileField = (description: string) => Type.Unsafe<UploadedFile>({ type: 'object', [UPLOAD_KEYWORD]: true, description });

/** Turns file fields into what OpenAPI calls a binary string. */
export function describeUploads(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(describeUploads);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  if (node[UPLOAD_KEYWORD] === true) return { type: 'string', format: 'binary', ...(node.description ? { description: node.description } : {}) };
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, describeUploads(value)]));
}

export interface UploadLimits {
  /** The largest file, in bytes; a larger one is refused while it streams in (413). */
  maxFileBytes: number;
  /** The names of the fields that may carry a file. */
  fileFields: readonly string[];
}

/**
 * Lets the routes of one plugin scope take multipart bodies: fields become body properties, as with
 * JSON or forms, and a file becomes an `UploadedFile`. The limits live in the parser, so an oversized
 * file, too many parts or a huge field is refused before it is held in memory.
 */
export async function acceptMultipart(app: FastifyInstance, limits: UploadLimits): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: limits.maxFileBytes, files: 1, fields: 20, parts: 21, fieldSize: 256 * 1024, fieldNameSize: 100, headerPairs: 50 },
    async onFile(part: MultipartFile & { value?: unknown }) {
      if (!limits.fileFields.includes(part.fieldname)) {
        part.file.resume();
        throw ValidationError.field(part.fieldname, 'A file is not accepted in this field.');
      }
      const bytes = await part.toBuffer();
      if (part.file.truncated) throw new AppError('file_too_large');
      part.value = new UploadedFile(part.filename, part.mimetype, bytes);
    },
  });
}
