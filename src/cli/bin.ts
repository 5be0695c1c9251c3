#!/usr/bin/env node
import type { CliIo } from './io.js';
import { main } from './main.js';

const io: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // Finished commands have closed what they opened; should a dependency
    // leave a handle behind, it must not keep a finished command alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`wattbridge: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
