/**
 * The kinds' own command modules (their declarations' `cli`), from the repository root with their .js
 * extension. Listed apart from the declarations so that the command line starts without loading the kinds;
 * test/cli/cli.test.ts checks the list against the declarations.
 */
export const KIND_COMMANDS: readonly string[] = ['kinds/rebate/cli/chain.js'];
