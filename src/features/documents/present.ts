import { isSettledStatus, jobBackedStatus } from '../../jobs/job-backed-status.js';
import type { DocumentRecord } from './repository.js';
import { documentErrorCodes, type DocumentLayout } from './rules.js';
import type { DocumentBody } from './schema.js';

const knownCodes = new Set<string>(documentErrorCodes);

type Status = DocumentBody['status'];

/** The document's state: its job's, or, once the job row is cleaned away, what the row shows. */
export function documentStatusOf(record: DocumentRecord): Status {
  return jobBackedStatus(record.row, record.job);
}

/** Whether a document has finished, one way or the other. */
export function isDocumentSettled(record: DocumentRecord): boolean {
  return isSettledStatus(documentStatusOf(record));
}

/** Why a document failed, as its owner may see it: an unexpected failure shows no internals. */
function errorOf(record: DocumentRecord): DocumentBody['error'] {
  const code = record.job?.errorCode;
  if (code && knownCodes.has(code)) return { code, message: record.job?.error ?? '' };
  return { code: 'internal_error', message: 'The document could not be made because of a server error. Ask for it again, or try later.' };
}

/** The document object; links are absolute, built from the address the client used. */
export function presentDocument(record: DocumentRecord, baseUrl: string): DocumentBody {
  const { row } = record;
  const status = documentStatusOf(record);
  const self = `${baseUrl}/cv/documents/${row.id}/`;
  const download = `${self}download/`;
  const options = row.options as Partial<DocumentLayout>;
  return {
    id: row.id,
    questionnaire: row.questionnaireId,
    ai_response: row.aiResponseId,
    source: row.source,
    status,
    error: status === 'failed' ? errorOf(record) : null,
    template: row.template,
    options: {
      paper: options.paper ?? 'a4',
      accent: options.accent ?? '',
      font_size: options.fontSize ?? 10,
      language: options.language ?? null,
      max_pages: options.maxPages ?? null,
    },
    pages: row.pages,
    bytes: row.bytes,
    text_recall: row.textRecall,
    warnings: row.warnings as DocumentBody['warnings'],
    dropped: row.dropped as DocumentBody['dropped'],
    file_name: row.fileName,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    download_url: status === 'succeeded' ? download : null,
    links: {
      self,
      download,
      questionnaire: `${baseUrl}/cv/questionnaire/${row.questionnaireId}/`,
      ai_response: row.aiResponseId === null ? null : `${baseUrl}/cv/ai-responses/${row.aiResponseId}/`,
    },
  };
}
