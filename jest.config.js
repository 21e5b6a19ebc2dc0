/** Unit tests sit next to the code (`*.spec.ts`); tests across nodes with real RabbitMQ and PostgreSQL in `test/`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  // Type checking is the build's job (npm test builds first); here ts-jest only transpiles. jose 6 and FormatJS's ICU
  // message parser (the console's translations spec) are published as ESM only: ts-jest turns them into CommonJS as well.
  transform: { '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }] },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@formatjs)/)'],
  moduleNameMapper: { '^@trm/wire$': '<rootDir>/libs/wire/src' },
  testTimeout: 60000,
};
