import type { Command } from 'commander';
import { withCore, type GlobalOptions } from '../context';
import type { ExitHolder } from '../exit-codes';
import { EXIT } from '../exit-codes';

export function registerLibrary(program: Command, exit: ExitHolder): void {
  const library = program.command('library').description('library maintenance');
  library
    .command('check')
    .description('reconcile the index with the files and sidecars; --repair fixes what it finds')
    .option('--repair', 'index complete files that lack a row, drop rows whose file is gone, remove half-written files, rewrite lost sidecars')
    .action(async (_o: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { repair?: boolean }>();
      await withCore(options, async ({ core, out }) => {
        const report = await core.client.call('library.check', { repair: options.repair === true });
        const problems = report.indexed_from_sidecars + report.incomplete_files + report.missing_files + report.missing_sidecars + report.bad_sidecars;
        out.result(report, () =>
          [
            `${report.repaired ? 'Repaired' : 'Found'}:`,
            `  ${report.indexed_from_sidecars} image(s) on disk missing from the index${report.repaired ? ' — indexed' : ''}`,
            `  ${report.attempts_completed} interrupted generation(s) completed from their files`,
            `  ${report.missing_files} indexed image(s) whose file is gone${report.repaired ? ' — rows removed' : ''}`,
            `  ${report.missing_sidecars} image(s) without a metadata sidecar${report.repaired ? ' — rewritten' : ''}`,
            `  ${report.incomplete_files} half-written file(s)${report.repaired ? ' — removed' : ''}`,
            `  ${report.bad_sidecars} unreadable sidecar(s) (left alone; see the log)`,
            problems === 0 ? 'The library is consistent.' : report.repaired ? '' : 'Run `apex-director library check --repair` to fix these.',
          ].join('\n'),
        );
        if (!report.repaired && problems > 0) exit.code = EXIT.someFailed;
      });
    });
}
