// One lint configuration for every package: typescript-eslint's recommended rules, `any` as an
// error, and type-aware checks (through the TypeScript project service) that make a floating or
// misused promise an error, because both hide failures. Nx rules enforce the package layering of
// DESIGN.md (tags live in each package.json's `nx` block) and that every package.json declares
// exactly what its built code imports.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

// Who may import whom. Leaves never import each other; `scope:core` is the shared base package
// the design allows below the leaves (@hokusai/core).
const layers = [
  { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core'] },
  { sourceTag: 'scope:leaf', onlyDependOnLibsWithTags: ['scope:core'] },
  { sourceTag: 'scope:orchestrator', onlyDependOnLibsWithTags: ['scope:leaf', 'scope:core'] },
  { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:orchestrator', 'scope:leaf', 'scope:core'] },
  { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:server', 'scope:orchestrator', 'scope:leaf', 'scope:core'] },
  { sourceTag: 'scope:test', onlyDependOnLibsWithTags: ['scope:leaf', 'scope:core', 'scope:test'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
];
// Tests may also use the private test-helpers package (tagged `scope:test`); shipped code may not.
const layersForTests = layers.map((layer) => ({
  ...layer,
  onlyDependOnLibsWithTags: [...new Set([...layer.onlyDependOnLibsWithTags, 'scope:test'])],
}));
// A package may import itself by name (its examples and tests use the public surface as a consumer
// would); a workspace package may be imported both statically and lazily (lazy loading matters to
// browser bundles, not here), subpath exports included.
const boundaries = (depConstraints) => [
  'error',
  {
    allow: [],
    allowCircularSelfDependency: true,
    checkDynamicDependenciesExceptions: ['@hokusai/**'],
    banTransitiveDependencies: true,
    enforceBuildableLibDependency: false,
    depConstraints,
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/coverage/**', '**/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@nx/enforce-module-boundaries': boundaries(layers),
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A relative path that climbs out of the package into a sibling's test/ folder,
              // or a package specifier reaching into one.
              regex: '^(\\.\\./)+[^./][^/]*/test(/|$)|^@hokusai/[^/]+/test(/|$)',
              message: "Import shared test code from @hokusai/test-helpers, not from another package's test/ folder.",
            },
          ],
        },
      ],
      'no-console': 'off',
    },
  },
  {
    // A function past 120 lines (blank lines and comments not counted) hides its phases: split it
    // into named ones. Shipped code only: a test file's describe block is one long function.
    files: ['packages/*/src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  {
    // The orchestrator's steps read their inputs, and the pipeline the flow's result, through typed
    // step references; engine/step-ref.ts holds the one conversion of a stored value to its step's
    // output type. A cast of a step input, a fan-out item or a stored output would hide a wiring
    // mistake the types catch.
    files: ['packages/orchestrator/src/**/*.ts'],
    ignores: ['packages/orchestrator/src/engine/step-ref.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "TSAsExpression[expression.object.object.name='ctx'][expression.object.property.name='inputs']",
          "TSAsExpression[expression.object.name='ctx'][expression.property.name='item']",
          "TSAsExpression[expression.callee.object.property.name='outputs'][expression.callee.property.name='get']",
          "TSAsExpression[expression.callee.property.name='readValue']",
          'TSAsExpression[typeAnnotation.typeName.name=/Output$/]',
        ].map((selector) => ({ selector, message: 'Read step outputs through typed step references (defineStep reads, FlowResult.output), not a cast.' })),
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', '**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(layersForTests) },
  },
  {
    files: ['**/package.json'],
    languageOptions: { parser: jsoncParser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          buildTargets: ['build'],
          checkMissingDependencies: true,
          checkObsoleteDependencies: true,
          checkVersionMismatches: true,
          // Resolved at run time by path (createRequire().resolve), which Nx's import scan does not see.
          ignoredDependencies: ['circom2', 'circomlibjs'],
          // scripts/ holds generators of shipped data, run by hand with dev dependencies.
          ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs}', '{projectRoot}/vitest.config.{js,ts,mjs,mts}', '{projectRoot}/scripts/**'],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
);
