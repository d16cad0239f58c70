import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SingleLine, errorResponses } from '../../http/common-schemas.js';
import { requireUser, signedIn } from '../auth/sessions/authenticate.js';
import { CvAnalysisSchema } from './schema.js';
import type { AnalysisService } from './service.js';

export const analysisRoutes: FastifyPluginAsyncTypebox<{ analysis: AnalysisService }> = async (app, { analysis }) => {
  app.addSchema(CvAnalysisSchema);
  app.get(
    '/cv/questionnaire/:id/analysis/',
    {
      schema: {
        tags: ['analysis'],
        summary:
          'How the questionnaire’s CV measures against its job, with no language model: overall score, ATS compatibility, keyword match and feedback per section. Reproducible: the same CV and job give the same answer',
        security: signedIn,
        params: Type.Object({ id: SingleLine({ maxLength: 30, description: 'questionnaire id' }) }),
        response: { 200: Type.Ref('CvAnalysis'), ...errorResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request) => {
      const { user } = requireUser(request);
      return analysis.analyse(user.id, request.params.id);
    },
  );
};
