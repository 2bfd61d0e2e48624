import { createCore, type Core } from '../core';
import { openLibraryFolder, resolveLibraryLocation } from '../core/library/layout';
import { createLogger } from '../core/log';
import { createOutput, type Output } from './output';

export interface GlobalOptions {
  library?: string;
  json?: boolean;
}

export interface CommandContext {
  core: Core;
  out: Output;
}

/** Opens the library named by --library / $APEX_LIBRARY / the app default, runs `fn`, and always closes it. */
export async function withCore<T>(options: GlobalOptions, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const out = createOutput(options.json === true);
  const library = openLibraryFolder(resolveLibraryLocation({ flag: options.library, env: process.env.APEX_LIBRARY }));
  const core = await createCore({ library: library.root, log: createLogger({ dir: library.logs, stderr: true }) });
  try {
    return await fn({ core, out });
  } finally {
    await core.close();
    await core.log.close();
  }
}
