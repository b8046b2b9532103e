module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  // Cross-service suites start whole processes; one file at a time keeps a 2-core machine honest.
  maxWorkers: 1,
};
