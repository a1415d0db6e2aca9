// ESLint flat config: type-aware TypeScript rules everywhere, and a sandbox fence around workflows/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

/**
 * The layers, from the pure rules up to the processes' entry points: each may import only the ones
 * listed for it, so the folders cannot import each other in circles (docs/architecture.md).
 * Tooling (dev stack, chaos, bench, tests) may import anything; product code never imports it.
 */
const LAYERS = {
  domain: ['domain'],
  i18n: ['domain', 'i18n'],
  support: ['domain', 'support'],
  db: ['domain', 'support', 'db'],
  activities: ['domain', 'i18n', 'support', 'db', 'activities'],
  workflows: ['domain', 'workflows'],
  services: ['domain', 'i18n', 'support', 'db', 'workflows', 'services'],
  http: ['domain', 'support', 'db', 'services', 'http'],
  api: ['domain', 'support', 'services', 'http', 'api'],
  portal: ['domain', 'i18n', 'support', 'services', 'http', 'portal'],
  entry: ['domain', 'i18n', 'support', 'db', 'activities', 'workflows', 'services', 'http', 'api', 'portal', 'entry'],
};

/** Which folders make up each layer. */
const ELEMENTS = [
  { type: 'tooling', pattern: ['dev', 'chaos', 'bench', 'test'] },
  { type: 'entry', pattern: ['worker', 'runtime', 'scripts'] },
  { type: 'domain', pattern: 'domain' },
  { type: 'i18n', pattern: 'i18n' },
  { type: 'support', pattern: ['config', 'observability'] },
  { type: 'db', pattern: 'db' },
  { type: 'activities', pattern: 'activities' },
  { type: 'workflows', pattern: 'workflows' },
  { type: 'services', pattern: 'services' },
  { type: 'http', pattern: 'http' },
  { type: 'api', pattern: 'api' },
  { type: 'portal', pattern: 'portal' },
].map((element) => ({ ...element, partialMatch: false }));

/**
 * Files that play another part than their folder: the API's process entry points (which also mount
 * the portal), and tests and dev-only scripts, which are tooling wherever they sit.
 */
const FILES = [
  { category: 'entry', pattern: 'api/{server,app}.ts' },
  {
    category: 'tooling',
    pattern: [
      '**/*.test.ts',
      'workflows/replay-support/**',
      'scripts/{start,bench,chaos,record-histories,schemathesis,mail-preview,mail-samples}.ts',
    ],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'var/', 'coverage/', '*.config.js', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read loosely typed JSON from HTTP responses.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The partner portal's browser script: plain JavaScript served as it is (no build step).
    files: ['portal/static/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        FormData: 'readonly',
        DOMParser: 'readonly',
      },
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries,
    // only relative imports of other workflow code (and type-only imports of activities).
    files: ['workflows/**/*.ts', 'bench/bare-workflow.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'],
              message: 'No Node built-ins in workflow code.',
            },
            {
              group: [
                'kysely',
                'pg',
                'nodemailer',
                'express',
                'luxon',
                'zod',
                '@temporalio/worker',
                '@temporalio/client',
              ],
              message: 'Side effects belong in activities.',
            },
            {
              group: ['../activities', '../activities/*'],
              allowTypeImports: true,
              message: 'Use `import type` for activities.',
            },
            {
              group: ['../domain/working-days', '../domain/reminders'],
              allowTypeImports: true,
              message:
                'The calendar and the reminder plans are decided in activities (holiday data may differ between deployments): import their types only.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'console', message: 'Use log from @temporalio/workflow.' }],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/files': FILES,
      'boundaries/include': ['**/*.ts'],
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message:
            '{{from.type}} code may not import {{to.type}} code (layers: eslint.config.mjs, docs/architecture.md)',
          policies: [
            ...Object.entries(LAYERS).map(([from, to]) => ({
              from: { element: { type: from } },
              allow: { to: { element: { type: to } } },
            })),
            // Workflow code names its activities' signatures, never their implementation.
            {
              from: { element: { type: 'workflows' } },
              allow: { to: { element: { type: 'activities' } }, dependency: { kind: 'type' } },
            },
            // Entry points may use any product layer; tooling may use anything (policies that
            // come later decide over earlier ones).
            { from: { file: { categories: 'entry' } }, allow: { to: { element: { type: LAYERS.entry } } } },
            { from: { element: { type: 'tooling' } }, allow: { to: { element: { type: '*' } } } },
            { from: { file: { categories: 'tooling' } }, allow: { to: { element: { type: '*' } } } },
            // Product code never reaches into tooling, even where a test file sits beside it.
            {
              from: { element: { type: '!tooling' }, file: { categories: '!tooling' } },
              disallow: { to: { file: { categories: 'tooling' } } },
            },
          ],
        },
      ],
    },
  },
);
