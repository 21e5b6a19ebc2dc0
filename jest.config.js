/** Unit tests sit next to the code (`*.spec.ts`); tests across nodes with real RabbitMQ and PostgreSQL in `test/`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  // Type checking is the build's job (npm test builds first); here ts-jest only transpiles. Published as ESM only, and
  // turned into CommonJS by ts-jest as well: jose 6, content-disposition (under @fastify/static) and FormatJS's ICU
  // message parser (the console's translations spec).
  transform: { '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }] },
  transformIgnorePatterns: ['/node_modules/(?!(jose|content-disposition|@formatjs)/)'],
  moduleNameMapper: { '^@trm/wire$': '<rootDir>/libs/wire/src' },
  testTimeout: 60000,
};
