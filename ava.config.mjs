// Child processes (not worker threads): tsx needs them on Node 20, and signal tests need real processes.
export default {
  files: ['test/**/*.test.ts', '!test/bed/**'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '2m',
};
