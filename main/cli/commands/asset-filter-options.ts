import { InvalidArgumentError, type Command } from 'commander';
import { ASSET_FORMATS, ASSET_SORTS, type AssetFilter, type AssetFormat, type AssetSort } from '../../../shared/domain/assets';

/** The search filters shared by `assets search`, `assets duplicates` and `export`. */
export interface FilterOptions {
  tag?: string[];
  notTag?: string[];
  project?: string[];
  backend?: string[];
  model?: string[];
  rating?: number;
  favorite?: boolean;
  source?: 'generated' | 'imported';
  since?: number;
  until?: number;
  minWidth?: number;
  minHeight?: number;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function parseFormat(value: string, previous: AssetFormat[] = []): AssetFormat[] {
  const format = value.toLowerCase() === 'jpg' ? 'jpeg' : value.toLowerCase();
  if (!(ASSET_FORMATS as readonly string[]).includes(format)) throw new InvalidArgumentError(`one of ${ASSET_FORMATS.join(', ')}`);
  return [...previous, format as AssetFormat];
}

export function parseWhole(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return n;
  };
}

/** `2026-01-31` or `2026-01-31T12:00` (local time) → epoch ms. */
function parseDate(value: string): number {
  const ms = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value).getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidArgumentError('a date such as 2026-01-31');
  return ms;
}

export function parseSort(value: string): AssetSort {
  if (!(ASSET_SORTS as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${ASSET_SORTS.join(', ')}`);
  return value as AssetSort;
}

/** `formatFlag`: export uses --format for its conversion, so its file-format filter is --file-format. */
export function addFilterOptions(command: Command, formatFlag: '--format' | '--file-format' = '--format'): Command {
  return command
    .option('--tag <tag>', 'carries this tag (repeat: all of them)', collect)
    .option('--not-tag <tag>', 'does not carry this tag (repeatable)', collect)
    .option('--project <name>', 'in this project (repeat: any of them)', collect)
    .option('--backend <id>', 'made by this backend (repeat: any of them)', collect)
    .option('--model <id>', 'made with this model (repeat: any of them)', collect)
    .option(`${formatFlag} <f>`, 'png, jpeg or webp files only (repeatable)', parseFormat)
    .option('--rating <n>', 'at least this many stars (0-5)', parseWhole(0, 5))
    .option('--favorite', 'favourites only')
    .option('--source <s>', 'generated or imported', (value: string) => {
      if (value !== 'generated' && value !== 'imported') throw new InvalidArgumentError('generated or imported');
      return value;
    })
    .option('--since <date>', 'created on or after this date', parseDate)
    .option('--until <date>', 'created before this date', parseDate)
    .option('--min-width <px>', 'at least this wide', parseWhole(1, 1_000_000))
    .option('--min-height <px>', 'at least this tall', parseWhole(1, 1_000_000));
}

/**
 * The contract filter from the words of the query and the options (validated again by the contract).
 * `formats`: the value of --format (search) or --file-format (export).
 */
export function filterFrom(words: readonly string[], o: FilterOptions, formats?: AssetFormat[]): AssetFilter {
  const text = words.join(' ').trim();
  return {
    ...(text !== '' ? { text } : {}),
    ...(o.tag ? { tags: o.tag } : {}),
    ...(o.notTag ? { exclude_tags: o.notTag } : {}),
    ...(o.project ? { projects: o.project } : {}),
    ...(o.backend ? { backends: o.backend } : {}),
    ...(o.model ? { models: o.model } : {}),
    ...(formats ? { formats: [...new Set(formats)] } : {}),
    ...(o.rating !== undefined ? { rating_min: o.rating } : {}),
    ...(o.favorite ? { favorite: true } : {}),
    ...(o.source ? { source: o.source } : {}),
    ...(o.since !== undefined ? { created_from: o.since } : {}),
    ...(o.until !== undefined ? { created_to: o.until } : {}),
    ...(o.minWidth !== undefined ? { min_width: o.minWidth } : {}),
    ...(o.minHeight !== undefined ? { min_height: o.minHeight } : {}),
  };
}
