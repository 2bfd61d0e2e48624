import type { Status } from '../../shared/domain/status';
import type { ConfigStore } from './config/config-store';
import type { EventHub } from './events';
import type { LibraryPaths } from './library/layout';
import type { LibraryHostPort } from './library/library-switch';
import type { Logger } from './log';
import type { Pipeline } from './pipeline';
import type { CredentialSource } from './ports';
import type { KeyStore } from './secrets/key-store';

/** What handlers work with: the open library's parts, wired once by `createCore`. */
export interface CoreServices {
  library: LibraryPaths;
  config: ConfigStore;
  events: EventHub;
  credentials: CredentialSource;
  /** API keys: environment variables over the OS keychain (set, delete, status; values never leave). */
  keys: KeyStore;
  log: Logger;
  pipeline: Pipeline;
  status(): Promise<Status>;
  /** The process that can switch this app to another library; null when bound to this one (the CLI). */
  host: LibraryHostPort | null;
}
