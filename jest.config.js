/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.tools/', '/var/'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  // Each file starts its own Temporal server; two at a time fit on a 2-core machine.
  maxWorkers: 2,
  testSequencer: '<rootDir>/jest.sequencer.config.js',
  // jest's own report, then one plain closing line for CI's log (see the reporter).
  reporters: ['default', '<rootDir>/jest.summary-line.config.js'],
  testTimeout: 60_000,
};
