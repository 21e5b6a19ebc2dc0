// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * typescript-eslint's type-checked rules for the code, where they catch real mistakes (floating promises, misused
 * promises, unsafe any flowing into typed code); tests may read JSON answers as `any`. Formatting is Prettier's.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // An async function without await is how an interface that returns promises is implemented; no bug hides there.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The console's Jest specs run under Node: their own tsconfig (the root one's options), not the browser app's.
    files: ['apps/console/src/**/*.spec.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './apps/console/tsconfig.spec.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
