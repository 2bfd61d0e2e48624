import { AppError } from '../../../shared/errors';
import type { Handlers } from '../router';
import type { CoreServices } from '../services';

/**
 * Switching libraries is the host's job (main/core/library-host.ts): the core only forwards. A core opened
 * without a host (the CLI, tests) is bound to its library and says so.
 */
export function libraryHostHandlers(services: CoreServices) {
  const openedAt = Date.now();
  return {
    'library.open': (input) => {
      if (!services.host) {
        throw new AppError('UNAVAILABLE', `This process is bound to the library at ${services.library.root}; the command line opens another with --library.`, { path: services.library.root });
      }
      return services.host.open(input);
    },
    'library.recent': () =>
      services.host?.recent() ?? {
        current: services.library.root,
        items: [{ path: services.library.root, opened_at: openedAt, exists: true }],
        can_switch: false,
        can_choose_folder: false,
      },
    'library.choose_folder': async (input) => {
      if (!services.host) throw new AppError('UNAVAILABLE', 'There is no folder picker here: type the folder path instead.', {});
      return { path: await services.host.chooseFolder(input?.purpose ?? 'open') };
    },
  } satisfies Pick<Handlers, 'library.open' | 'library.recent' | 'library.choose_folder'>;
}
