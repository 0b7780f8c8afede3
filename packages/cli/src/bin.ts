#!/usr/bin/env node
import { main } from './main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);
