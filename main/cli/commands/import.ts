import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ImportProgress, type ImportSummary } from '../../../shared/domain/import';
import { withCore, type GlobalOptions } from '../context';
import { EXIT, type ExitHolder } from '../exit-codes';

interface ImportOptions extends GlobalOptions {
  copy?: boolean;
}

/** Failures and notes printed one per line in the human summary; `--json` has them all. */
const MAX_PRINTED_LINES = 50;
const BAR_WIDTH = 24;

export function registerImport(program: Command, exit: ExitHolder): void {
  program
    .command('import')
    .description('index existing images (PNG, JPEG, WebP) with the prompts and settings their tools embedded; folders are walked recursively')
    .argument('<paths...>', 'folders and image files')
    .option('--copy', 'copy the files into the library instead of indexing them where they are')
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ImportOptions>();
      await withCore(options, async ({ core, out }) => {
        const line = progressLine();
        const unsubscribe = core.subscribe((message) => {
          const progress = message.name === 'import.progress' ? ImportProgress.safeParse(message.payload) : null;
          if (progress?.success) line.update(progress.data);
        });
        let summary: ImportSummary;
        try {
          summary = await core.client.call('library.import', { paths: paths.map((path) => resolve(path)), copy: options.copy === true });
        } finally {
          unsubscribe();
          line.finish();
        }
        out.result(summary, () => formatSummary(summary));
        if (summary.failed.length + summary.failed_unlisted > 0) exit.code = EXIT.someFailed;
      });
    });
}

/** One self-rewriting line on stderr, only on a terminal: `[████░░░░] 120/400  +118 =0 ✗2`. */
function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const enabled = stream.isTTY === true;
  let last = '';
  return {
    update(p: ImportProgress): void {
      if (!enabled) return;
      const filled = p.total === 0 ? BAR_WIDTH : Math.round((p.done / p.total) * BAR_WIDTH);
      const text = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${p.done}/${p.total}  imported ${p.imported}  skipped ${p.skipped}  failed ${p.failed}`;
      if (text === last) return;
      last = text;
      stream.write(`\r\x1b[2K${text}`);
    },
    finish(): void {
      if (enabled && last !== '') stream.write('\n');
    },
  };
}

export function formatSummary(s: ImportSummary): string {
  const failedTotal = s.failed.length + s.failed_unlisted;
  const where = s.copied ? 'copied into the library' : s.roots.length > 0 ? `indexed in place under ${s.roots.join(', ')}` : 'indexed in place';
  const lines = [
    `Imported ${s.imported} image(s), ${where}.`,
    `  ${s.already_present} already in the library, ${failedTotal} failed, ${s.skipped_non_images} non-image file(s) skipped; ${(s.duration_ms / 1000).toFixed(1)} s.`,
  ];
  if (failedTotal > 0) {
    lines.push('Failed (skipped, the rest was imported):');
    for (const f of s.failed.slice(0, MAX_PRINTED_LINES)) lines.push(`  ${f.path}: ${f.reason}`);
    if (failedTotal > MAX_PRINTED_LINES) lines.push(`  … and ${failedTotal - MAX_PRINTED_LINES} more (--json lists them)`);
  }
  if (s.notes.length > 0) {
    lines.push('Notes:');
    for (const n of s.notes.slice(0, MAX_PRINTED_LINES)) lines.push(`  ${n.path}: ${n.note}`);
    if (s.notes.length > MAX_PRINTED_LINES) lines.push(`  … and ${s.notes.length - MAX_PRINTED_LINES} more (--json lists them)`);
  }
  return lines.join('\n');
}
