// The layers of DESIGN.md §5, checked on every `npm run lint`: infrastructure and the job system
// know nothing of features, routes never touch the database, repositories never know HTTP.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'infra-knows-no-features',
      comment: 'Infrastructure (src/infra) serves every feature and depends on none.',
      severity: 'error',
      from: { path: '^src/infra/' },
      to: { path: '^src/(features|features\\.ts|app\\.ts|http/)' },
    },
    {
      name: 'job-system-knows-no-features',
      comment: 'The job system (src/jobs) runs any kind of job; the kinds live with their features.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(features|features\\.ts)' },
    },
    {
      name: 'routes-never-touch-the-database',
      comment: 'Routes call services; SQL lives in repositories.',
      severity: 'error',
      from: { path: '^src/features/.+/routes\\.ts$' },
      to: { path: '^(src/infra/db/|node_modules/(drizzle-orm|pg|@electric-sql/pglite)/)' },
    },
    {
      name: 'repositories-know-no-http',
      comment: 'Repositories hold SQL only: no requests, replies or error answers.',
      severity: 'error',
      from: { path: '^src/features/.+/repository\\.ts$' },
      to: { path: '^(src/http/|node_modules/fastify/)' },
    },
    {
      name: 'services-know-no-http-framework',
      comment: 'Services are called by routes, jobs and commands alike, so they do not take requests or replies.',
      severity: 'error',
      from: { path: '^src/features/.+/service\\.ts$' },
      to: { path: '^node_modules/fastify/' },
    },
    {
      name: 'no-cycles',
      comment: 'A cycle between modules makes their load order fragile and their layers meaningless.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-the-service',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^test/|\\.test\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
  },
};
