/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: false }],
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 120000,
  // Two cores: one worker per core, each with a database of its own.
  maxWorkers: 2,
};
