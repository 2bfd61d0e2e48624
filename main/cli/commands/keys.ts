import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import { KEY_BACKEND_IDS, KEY_MAX_CHARS, KeyBackendId, type KeysStatus } from '../../../shared/domain/backends';
import { AppError } from '../../../shared/errors';
import { CREDENTIAL_ENV_VARS } from '../../core/ports';
import { withCore, type GlobalOptions } from '../context';
import { EXIT, type ExitHolder } from '../exit-codes';

/** Anything longer on stdin is not a key (a service-account JSON is ~2.4 KB); refuse instead of buffering it. */
const STDIN_MAX_BYTES = KEY_MAX_CHARS * 4;

function backendArgument(value: string): KeyBackendId {
  const parsed = KeyBackendId.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`a backend that takes a key: ${KEY_BACKEND_IDS.join(', ')}`);
  return parsed.data;
}

/**
 * The key comes from stdin, never from argv (which other users can read in the process list and shells keep
 * in history). On a terminal it is typed without echo; piped, the whole input is the key.
 */
async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > STDIN_MAX_BYTES) throw new AppError('INVALID_INPUT', `stdin: more than ${STDIN_MAX_BYTES} bytes is not a key.`, { field: 'stdin' });
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  process.stderr.write(prompt);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: process.stdin, output: silent, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(''));
    });
  } finally {
    lines.close();
    process.stderr.write('\n');
  }
}

function describeStatus(status: KeysStatus): string {
  const lines = [
    status.keychain.available ? 'OS keychain: available' : `OS keychain: NOT available (${status.keychain.reason ?? 'unknown reason'}); keys last for one session only`,
  ];
  for (const item of status.items) {
    const where = item.source === 'env' ? `from ${item.env_var ?? 'the environment'}` : item.source === 'keychain' ? 'in the keychain' : item.source === 'session' ? 'for this session only' : '';
    const state = item.set ? `set ${where}` : item.required ? 'not set' : 'not set (optional)';
    lines.push(`  ${item.backend.padEnd(12)} ${state}`);
  }
  return lines.join('\n');
}

export function registerKeys(program: Command, exit: ExitHolder): void {
  const keys = program.command('keys').description('API keys in the OS keychain (service apex-director, account = backend id)');
  keys
    .command('set')
    .argument('<id>', `backend: ${KEY_BACKEND_IDS.join(', ')}`, backendArgument)
    .description('store a key read from stdin (never from the command line); sdxl takes user:password')
    .action(async (backend: KeyBackendId, _o: unknown, command: Command) => {
      const value = await readSecret(`Key for ${backend} (input hidden), then Enter: `);
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const result = await core.client.call('keys.set', { backend, value });
        if (result.stored_in === 'session') {
          // A CLI session ends with this command: a session-only key would be gone before it is used.
          throw new AppError('UNAVAILABLE', `${result.message} Nothing was saved; set ${CREDENTIAL_ENV_VARS[backend][0]} in the environment instead.`);
        }
        out.result(result, () => result.message);
      });
    });
  keys
    .command('delete')
    .argument('<id>', `backend: ${KEY_BACKEND_IDS.join(', ')}`, backendArgument)
    .description('remove a stored key')
    .action(async (backend: KeyBackendId, _o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const result = await core.client.call('keys.delete', { backend });
        out.result(result, () =>
          `${result.deleted ? `Deleted the key for ${backend}.` : `No key was stored for ${backend}.`}${result.still_set_by ? ` ${result.still_set_by} still supplies one in this environment.` : ''}`,
        );
      });
    });
  keys
    .command('list')
    .description('which backends have a key and where it comes from (never the key)')
    .action(async (_o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const status = await core.client.call('keys.status');
        out.result(status, () => describeStatus(status));
      });
    });
  keys
    .command('test')
    .argument('<id>', `backend: ${KEY_BACKEND_IDS.join(', ')}`, backendArgument)
    .description("make the provider's cheapest call with the stored key")
    .action(async (backend: KeyBackendId, _o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const result = await core.client.call('keys.test', { backend });
        if (result.outcome === 'failed') exit.code = EXIT.someFailed;
        out.result(result, () => result.message);
      });
    });
}
