/** @module `npm start`: run the hub until SIGTERM/SIGINT, then drain and exit 0. */
import { readConfig } from '../config.js';
import { ConfigError } from '../contract/errors.js';
import { bannerLines, startHub } from '../hub.js';
import { createLogger } from '../lib/logger.js';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  // JSON lines on stderr (createLogger's default), so stdout keeps only the banner.
  const logger = createLogger({ level: config.logLevel });
  // The last line of defence, not the design: every promise in the hub is handled where it is made.
  // Should one slip through, its work is lost but the state is not (the database holds it), so the
  // hub logs it as the bug it is and keeps serving rather than stopping every delivery with it.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection (a bug); the hub keeps running', { error: reason instanceof Error ? reason : String(reason) });
  });
  const hub = await startHub(config, { logger });
  process.stdout.write(bannerLines(hub, config).join('\n') + '\n');
  const shutdown = (signal: string) => {
    logger.info('draining before exit', { signal });
    hub.stop().then(() => process.exit(0), (error: unknown) => {
      logger.error('shutdown failed', { error: error instanceof Error ? error : String(error) });
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? 'configuration error' : 'start-up failed'}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
