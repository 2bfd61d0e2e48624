import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { EXPORT_FORMATS, LIBRARY_LIMITS, type AssetFormat, type AssetSort, type ExportFormat } from '../../../shared/domain/assets';
import { AppError } from '../../../shared/errors';
import { withCore, type GlobalOptions } from '../context';
import { EXIT, type ExitHolder } from '../exit-codes';
import { addFilterOptions, filterFrom, parseSort, parseWhole, type FilterOptions } from './asset-filter-options';
import { formatBytes } from './assets';

interface ExportOptions extends GlobalOptions, FilterOptions {
  fileFormat?: AssetFormat[];
  to: string;
  zip?: boolean;
  format?: ExportFormat;
  maxSide?: number;
  quality?: number;
  sidecars: boolean;
  ids?: number[];
  sort?: AssetSort;
}

function parseIds(value: string, previous: number[] = []): number[] {
  const ids = value.split(',').map((part) => Number(part.trim()));
  if (ids.some((id) => !Number.isSafeInteger(id) || id < 1)) throw new InvalidArgumentError('asset ids are positive whole numbers, comma-separated');
  return [...previous, ...ids];
}

export function registerExport(program: Command, exit: ExitHolder): void {
  addFilterOptions(
    program
      .command('export')
      .description('copy the images matching a search (or --ids) to a folder or a zip, with their metadata')
      .argument('[query...]', 'words to search for (as in `assets search`); none: every image the filters select'),
    '--file-format',
  )
    .requiredOption('--to <dir>', 'destination folder (created when missing)')
    .option('--zip', 'write one .zip file into the folder instead of loose files')
    .option('--format <f>', `${EXPORT_FORMATS.join(', ')} (default original: the stored bytes)`, (value: string) => {
      const format = value.toLowerCase() === 'jpg' ? 'jpeg' : value.toLowerCase();
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new InvalidArgumentError(`one of ${EXPORT_FORMATS.join(', ')}`);
      return format as ExportFormat;
    })
    .option('--max-side <px>', 'scale down so the longest side is at most this', parseWhole(16, 16_384))
    .option('--quality <n>', 'JPEG/WebP quality when converting (1-100, default 90)', parseWhole(1, 100))
    .option('--no-sidecars', 'do not write a .json file with the metadata next to each image')
    .option('--ids <list>', 'export these asset ids (comma-separated, repeatable) instead of a search', parseIds)
    .option('--sort <s>', 'order of a search export: newest, oldest, rating or random', parseSort)
    .action(async (words: string[], _o: unknown, command: Command) => {
      const options = command.optsWithGlobals<ExportOptions>();
      const filter = filterFrom(words, options, options.fileFormat);
      if (options.ids && Object.keys(filter).length > 0) {
        throw new AppError('INVALID_INPUT', 'Give either --ids or a search (words and filters), not both.', { field: 'ids' });
      }
      if (options.ids && options.ids.length > LIBRARY_LIMITS.idsPerCall) {
        throw new AppError('INVALID_INPUT', `At most ${LIBRARY_LIMITS.idsPerCall} ids per export; use a search for more.`, { field: 'ids' });
      }
      await withCore(options, async ({ core, out }) => {
        out.info(`Exporting to ${resolve(options.to)}…`);
        const result = await core.client.call('assets.export', {
          ...(options.ids ? { ids: options.ids } : { filter }),
          ...(options.sort ? { sort: options.sort } : {}),
          to: resolve(options.to),
          ...(options.zip ? { zip: true } : {}),
          ...(options.format ? { format: options.format } : {}),
          ...(options.maxSide !== undefined ? { max_side: options.maxSide } : {}),
          ...(options.quality !== undefined ? { quality: options.quality } : {}),
          sidecars: options.sidecars,
        });
        out.result(result, () =>
          [
            `Exported ${result.images} image(s) and ${result.sidecars} metadata file(s), ${formatBytes(result.bytes)}, to ${result.path}.`,
            `${result.metadata_embedded} image(s) carry their generation metadata inside the file.`,
            ...(result.skipped > 0 ? [`Skipped ${result.skipped}:`, ...result.problems.map((p) => `  #${p.id}: ${p.reason}`)] : []),
          ].join('\n'),
        );
        if (result.skipped > 0) exit.code = EXIT.someFailed;
      });
    });
}
