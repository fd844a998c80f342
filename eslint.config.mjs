// ESLint flat config: ESLint's and typescript-eslint's recommended rules (syntactic, not type-checked, so
// `npm run lint` stays fast). Formatting is Prettier's job (`npm run format`), not ESLint's.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  // Same exclusions as .prettierignore: data, recorded fixtures, generated docs, build and test output.
  globalIgnores([
    'node_modules/',
    'dist/',
    'coverage/',
    'reports/',
    'scratch/',
    'test/golden/output/',
    'test/fixtures/',
    'docs/',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
  },
  {
    files: ['**/*.{ts,js,cjs,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // TypeScript's own convention (noUnusedLocals/noUnusedParameters accept a leading `_`), and `{ x: _x, ...rest }`
      // is the idiom for omitting a key.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    // CommonJS files (jest.config.js, the prove recorder, loaded with `node --require`) must use require().
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
]);
