import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Fastify handlers and hooks are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      // Layers: routes never touch SQL, repositories never know HTTP.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/features/**/routes.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['drizzle-orm', 'drizzle-orm/*', '**/infra/db/*'], message: 'Routes call services; SQL lives in repositories.' }] }],
    },
  },
  {
    files: ['src/features/**/repository.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['fastify', '**/http/*'], message: 'Repositories know nothing of HTTP.' }] }],
    },
  },
  { files: ['bin/**/*.js', 'eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
