#!/usr/bin/env node
/** @module The `conversion-hub` executable (package.json `bin`). */
import { runCli } from './program.js';

const exitCode = await runCli(process.argv);
// Exit now, whatever is still open (kept-alive sockets to the hub): the command is over.
process.exit(exitCode);
