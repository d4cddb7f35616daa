// Child processes (not worker threads): tsx needs them on Node 20, and signal tests need real processes.
// One file at a time: the e2e files share one swarm, and every `ccci run` starts with a janitor pass
// that rightly reaps any unlocked per-run app, including one another test file set up on purpose.
export default {
  concurrency: 1,
  files: ['test/**/*.test.ts', '!test/bed/**'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '2m',
};
