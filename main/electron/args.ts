/**
 * `--library DIR` or `--library=DIR` from the process arguments. Electron's argv starts with the binary (and
 * `.` in development); Chromium switches may be mixed in, so the flag is looked up, not positioned.
 */
export function libraryFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--library') {
      const value = argv[i + 1];
      return value !== undefined && !value.startsWith('--') ? value : undefined;
    }
    if (arg.startsWith('--library=')) return arg.slice('--library='.length);
  }
  return undefined;
}
