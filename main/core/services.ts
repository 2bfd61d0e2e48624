import type { Status } from '../../shared/domain/status';
import type { ConfigStore } from './config/config-store';
import type { EventHub } from './events';
import type { LibraryPaths } from './library/layout';
import type { Logger } from './log';
import type { Pipeline } from './pipeline';
import type { CredentialSource } from './ports';

/** What handlers work with: the open library's parts, wired once by `createCore`. */
export interface CoreServices {
  library: LibraryPaths;
  config: ConfigStore;
  events: EventHub;
  credentials: CredentialSource;
  log: Logger;
  pipeline: Pipeline;
  status(): Promise<Status>;
}
