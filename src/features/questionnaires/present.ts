import { extractionErrorCodes } from '../../infra/extract/extraction.js';
import type { CvRow, QuestionnaireRecord } from './repository.js';
import type { CvBody, QuestionnaireBody } from './schema.js';

const knownCodes = new Set<string>(extractionErrorCodes);

/** What went wrong reading an upload, as its owner may see it: an unexpected failure shows no internals. */
function extractionErrorOf(record: QuestionnaireRecord): NonNullable<QuestionnaireBody['extraction_error']> {
  const code = record.extraction?.errorCode;
  if (code && knownCodes.has(code)) return { code, message: record.extraction?.error ?? '' };
  return { code: 'internal_error', message: 'The file could not be read because of a server error. Upload it again, or try later.' };
}

/** The state of reading the upload; a job row cleaned away after success leaves the CV as proof. */
function extractionStatusOf(record: QuestionnaireRecord): QuestionnaireBody['extraction_status'] {
  if (!record.row.resumeBlobKey) return null;
  const status = record.extraction?.status;
  if (status === 'queued' || status === 'running' || status === 'succeeded' || status === 'failed') return status;
  return record.hasCv ? 'succeeded' : 'failed';
}

/** The questionnaire object; links are absolute, built from the address the client used. */
export function presentQuestionnaire(record: QuestionnaireRecord, baseUrl: string): QuestionnaireBody {
  const { row } = record;
  const self = `${baseUrl}/cv/questionnaire/${row.id}`;
  const status = extractionStatusOf(record);
  return {
    id: row.id,
    user: row.userId,
    position: row.position,
    industry: row.industry,
    experience_level: row.experienceLevel as QuestionnaireBody['experience_level'],
    company_size: row.companySize as QuestionnaireBody['company_size'],
    location: row.location,
    application_timeline: row.applicationTimeline as QuestionnaireBody['application_timeline'],
    job_description: row.jobDescription,
    submitted_at: row.submittedAt.toISOString(),
    resume: row.resumeBlobKey ? `${self}/resume/` : null,
    // Set and cleared together with the blob key (QuestionnaireService.attachUpload).
    resume_file_name: row.resumeFileName,
    resume_type: row.resumeContentType as QuestionnaireBody['resume_type'],
    resume_size: row.resumeSizeBytes,
    extraction_status: status,
    extraction_error: status === 'failed' ? extractionErrorOf(record) : null,
    cv: record.hasCv ? `${self}/cv/` : null,
  };
}

export function presentCv(cv: CvRow): CvBody {
  return {
    text: cv.text,
    resume: cv.resume,
    warnings: cv.warnings,
    source: (cv.source as CvBody['source']) ?? null,
    origin: cv.origin,
    updated_at: cv.updatedAt.toISOString(),
  };
}
