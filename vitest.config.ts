import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests bind real ports and write real files; two workers
    // match the two cores this project is built on.
    maxWorkers: 2,
  },
});
