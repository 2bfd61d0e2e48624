import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareAtomicWrite, writeFileAtomic, writeFileAtomicAsync } from '../../../main/core/fs/atomic-write';
import { DIRECT_WRITE_MIN_BYTES, directWriteApplies, isDirectIoRefusal, writeFileDirect } from '../../../main/core/fs/direct-write';
import { useTempDirs } from '../../helpers/temp-library';

const MIB = 1024 * 1024;

/** Splits `bytes` into parts at the given offsets, as the asset store hands over an image with its new chunks. */
function partsOf(bytes: Buffer, ...cuts: number[]): Buffer[] {
  const edges = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  return edges.slice(1).map((end, i) => bytes.subarray(edges[i], end));
}

describe('writeFileAtomicAsync', () => {
  const tempDir = useTempDirs();

  // Sizes around the direct-write threshold, a block, the 4 MiB staging buffer and two of them.
  const sizes = [0, 1, 4095, DIRECT_WRITE_MIN_BYTES - 1, DIRECT_WRITE_MIN_BYTES, 2_100_123, 4 * MIB, 4 * MIB + 1, 8 * MIB + 4095];
  it.each(sizes)('writes %i bytes given in parts byte for byte, leaving only the target', async (size) => {
    const dir = tempDir();
    const bytes = randomBytes(size);
    const target = join(dir, 'image.png');
    await writeFileAtomicAsync(target, partsOf(bytes, Math.min(33, size), Math.floor(size / 2)));
    expect(readFileSync(target).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['image.png']);
  });

  it('writes a single buffer and a string, replacing what was there', async () => {
    const dir = tempDir();
    const target = join(dir, 'file');
    writeFileSync(target, 'old');
    const big = randomBytes(DIRECT_WRITE_MIN_BYTES * 3 + 7);
    await writeFileAtomicAsync(target, big);
    expect(readFileSync(target).equals(big)).toBe(true);
    await writeFileAtomicAsync(target, 'näher');
    expect(readFileSync(target, 'utf8')).toBe('näher');
    writeFileAtomic(target, 'sync');
    expect(readFileSync(target, 'utf8')).toBe('sync');
  });

  it('keeps many large writes at once apart (more than there are staging buffers)', async () => {
    const dir = tempDir();
    const files = Array.from({ length: 10 }, (_, i) => ({ path: join(dir, `f${i}`), bytes: randomBytes(MIB + i * 4099) }));
    await Promise.all(files.map((file) => writeFileAtomicAsync(file.path, partsOf(file.bytes, 100))));
    for (const file of files) expect(readFileSync(file.path).equals(file.bytes)).toBe(true);
    expect(readdirSync(dir)).toHaveLength(files.length);
  });

  it('shows nothing under the target before commit, and nothing at all after discard', async () => {
    const dir = tempDir();
    const target = join(dir, 'sidecar.json');
    const kept = await prepareAtomicWrite(target, randomBytes(DIRECT_WRITE_MIN_BYTES));
    expect(readdirSync(dir).filter((name) => name === 'sidecar.json')).toEqual([]);
    await kept.commit();
    expect(readdirSync(dir)).toEqual(['sidecar.json']);
    const dropped = await prepareAtomicWrite(join(dir, 'other.json'), randomBytes(DIRECT_WRITE_MIN_BYTES));
    await dropped.discard();
    expect(readdirSync(dir)).toEqual(['sidecar.json']);
  });

  it('fails on a missing folder and leaves no file', async () => {
    const dir = tempDir();
    await expect(writeFileAtomicAsync(join(dir, 'missing', 'image.png'), randomBytes(DIRECT_WRITE_MIN_BYTES))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeFileDirect', () => {
  const tempDir = useTempDirs();

  it('applies to large files on Linux only', () => {
    expect(directWriteApplies(DIRECT_WRITE_MIN_BYTES)).toBe(process.platform === 'linux');
    expect(directWriteApplies(DIRECT_WRITE_MIN_BYTES - 1)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('writes past the page cache on Linux, with the exact length', async () => {
    // The temp folder's filesystem (ext4 in CI) takes O_DIRECT; a refusal would make this return false.
    const dir = tempDir();
    mkdirSync(join(dir, 'shard'));
    const bytes = randomBytes(3 * MIB + 5);
    const path = join(dir, 'shard', '.image.tmp');
    expect(await writeFileDirect(path, partsOf(bytes, 8, 2 * MIB))).toBe(true);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    await expect(writeFileDirect(path, [bytes])).rejects.toMatchObject({ code: 'EEXIST' }); // never over an existing file
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('tells a refusal of direct I/O from other failures', () => {
    const failure = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
    expect(isDirectIoRefusal(failure('EINVAL'))).toBe(true);
    expect(isDirectIoRefusal(failure('EOPNOTSUPP'))).toBe(true);
    expect(isDirectIoRefusal(failure('ENOSPC'))).toBe(false);
    expect(isDirectIoRefusal(failure('ENOENT'))).toBe(false);
    expect(isDirectIoRefusal(null)).toBe(false);
  });
});
