/** A Kysely plugin that counts the statements sent through the handle it is on (BEGIN and COMMIT are the driver's, not counted). */
import type { KyselyPlugin } from 'kysely';

export function statementCounter(): KyselyPlugin & { statements: number } {
  return {
    statements: 0,
    transformQuery(args) {
      this.statements += 1;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
}
