import { Command, CommanderError } from 'commander';
import { registerAssets } from './commands/assets';
import { registerCheckpoint } from './commands/checkpoint';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerKeys } from './commands/keys';
import { registerLibrary } from './commands/library';
import { registerQueueCommands } from './commands/queue';
import { registerEstimate } from './commands/estimate';
import { registerRun } from './commands/run';
import { registerServe } from './commands/serve';
import { registerStatus } from './commands/status';
import { EXIT, exitCodeFor, type ExitHolder } from './exit-codes';
import { createOutput, toAppError } from './output';

export function buildProgram(exit: ExitHolder = { code: EXIT.ok }): Command {
  const program = new Command('apex-director')
    .description('APEX Director: batch image generation with cost estimates, a durable queue, fallbacks and a local library.')
    .version('0.1.0')
    .option('--library <dir>', 'library folder (default: $APEX_LIBRARY, else the desktop app\'s library)')
    .option('--json', 'print one JSON document on stdout (progress and logs go to stderr)')
    .showHelpAfterError()
    .exitOverride();
  registerStatus(program);
  registerRun(program, exit);
  registerEstimate(program, exit);
  registerQueueCommands(program);
  registerCheckpoint(program);
  registerLibrary(program, exit);
  registerImport(program, exit);
  registerAssets(program, exit);
  registerExport(program, exit);
  registerServe(program);
  registerKeys(program, exit);
  return program;
}

/** Runs the CLI and returns the exit code of DESIGN §8 (0 ok, 1 some jobs failed, 2 bad input, 3 library unusable). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const exit: ExitHolder = { code: EXIT.ok };
  const program = buildProgram(exit);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const appError = toAppError(error);
    createOutput(argv.includes('--json')).error(appError);
    return exitCodeFor(appError.code);
  }
}
