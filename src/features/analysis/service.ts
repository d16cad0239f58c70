import type { QuestionnaireService } from '../questionnaires/service.js';
import { analysisInputOf } from './analysis-input.js';
import { analyseCv } from './analyse-cv.js';
import type { CvAnalysis } from './schema.js';

/** Measures a questionnaire's CV against its job: as soon as the CV has been read, no model involved. */
export class AnalysisService {
  constructor(private readonly deps: { questionnaires: QuestionnaireService }) {}

  /** The analysis of the caller's questionnaire; 409 while its CV is still being read (as for the CV itself). */
  async analyse(userId: number, rawId: string): Promise<CvAnalysis> {
    const { record, cv } = await this.deps.questionnaires.getWithCv(userId, rawId);
    return analyseCv(analysisInputOf(record.row, cv));
  }
}
