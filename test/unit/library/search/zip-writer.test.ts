import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipWriter, dosDateTime } from '../../../../main/core/library/zip-writer';
import { useTempDirs } from '../../../helpers/temp-library';
import { readZip } from './zip-reader';

describe('zip writer', () => {
  const tempDir = useTempDirs();

  it('stores images, deflates text, and every entry reads back with its CRC', async () => {
    const path = join(tempDir(), 'out.zip');
    const zip = await ZipWriter.create(path);
    const image = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    const text = Buffer.from(JSON.stringify({ prompt: 'a fox '.repeat(200), é: 'ü' }));
    const mtime = new Date(2026, 0, 31, 13, 45, 58).getTime();
    await zip.add('1-fox.png', image, { mtime });
    await zip.add('1-fox.json', text, { mtime, compress: true });
    await zip.add('ünïcode-名前.txt', Buffer.from('x'), { mtime, compress: true });
    await zip.add('empty.bin', Buffer.alloc(0), { mtime });
    expect(await zip.close()).toMatchObject({ path, entries: 4 });

    const entries = readZip(path);
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      ['1-fox.png', 0],
      ['1-fox.json', 8],
      ['ünïcode-名前.txt', 0], // deflate would not make one byte smaller: stored
      ['empty.bin', 0],
    ]);
    expect(entries[0]!.data.equals(image)).toBe(true);
    expect(entries[1]!.data.equals(text)).toBe(true);
    expect(entries[0]!.mtime).toEqual(dosDateTime(mtime));
    expect(entries[0]!.externalAttributes >>> 16).toBe(0o100644);
  });

  it('refuses unsafe or duplicate names and never overwrites an existing file', async () => {
    const dir = tempDir();
    const zip = await ZipWriter.create(join(dir, 'a.zip'));
    for (const name of ['../evil', '/abs', 'a\\b', 'x/../../y', '']) await expect(zip.add(name, Buffer.from('x'), { mtime: 0 })).rejects.toThrow(/Unsafe/);
    await zip.add('same', Buffer.from('x'), { mtime: 0 });
    await expect(zip.add('same', Buffer.from('y'), { mtime: 0 })).rejects.toThrow(/Duplicate/);
    await zip.abort();
    expect(existsSync(join(dir, 'a.zip'))).toBe(false);
    writeFileSync(join(dir, 'taken.zip'), 'mine');
    await expect(ZipWriter.create(join(dir, 'taken.zip'))).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('switches to ZIP64 end records past 65,535 entries', async () => {
    const path = join(tempDir(), 'many.zip');
    const zip = await ZipWriter.create(path);
    const count = 65_540;
    for (let i = 0; i < count; i++) await zip.add(`f${i}`, Buffer.from(String(i)), { mtime: 0 });
    await zip.close();
    const entries = readZip(path);
    expect(entries).toHaveLength(count);
    expect(entries.at(-1)).toMatchObject({ name: `f${count - 1}` });
    expect(entries.at(-1)!.data.toString()).toBe(String(count - 1));
  });
});
