import { open, rm, type FileHandle } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A small streaming ZIP writer (PKWARE APPNOTE 6.3): entries are appended one by one to the file and
 * the central directory is written at the end, so an export of thousands of images never holds more
 * than one image in memory. Written here rather than taken from npm (yazl, archiver) because the app
 * needs only this: images are already compressed (PNG/JPEG/WebP gain nothing from deflate, so they are
 * STORED) and JSON sidecars are deflated with Node's zlib. ZIP64 records are added only when the
 * archive passes 4 GiB or 65,535 entries, so ordinary exports open in every unzip tool.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const ZIP64_END_OF_CENTRAL = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA_ID = 0x0001;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** General purpose bit 11: file names are UTF-8. */
const FLAG_UTF8 = 0x0800;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** "made by" UNIX (3), so the external attributes carry permission bits. */
const MADE_BY_UNIX = 3 << 8;
const UNIX_FILE_MODE = 0o100644;
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;
/** An entry's data must fit the 32-bit size fields (we never write ZIP64 sizes: no image comes close). */
export const MAX_ZIP_ENTRY_BYTES = MAX_U32 - 1;
/** Writes are gathered up to this size: thousands of small headers become a few large writes. */
const WRITE_BLOCK = 1024 * 1024;

interface CentralEntry {
  name: Buffer;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export interface ZipEntryOptions {
  /** Modification time shown by unzip tools (epoch ms). */
  mtime: number;
  /** Deflate the data (worth it for text, not for images). */
  compress?: boolean;
}

export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private readonly names = new Set<string>();
  /** Bytes of the archive so far (written or pending). */
  private offset = 0;
  /** Bytes already on disk. */
  private flushedTo = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Creates `path`; never overwrites an existing file (EEXIST is thrown to the caller). */
  static async create(path: string): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'wx', 0o644), path);
  }

  async add(name: string, data: Uint8Array, options: ZipEntryOptions): Promise<void> {
    if (this.closed) throw new Error('The zip file is already closed.');
    if (name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) throw new Error(`Unsafe zip entry name ${JSON.stringify(name)}.`);
    if (this.names.has(name)) throw new Error(`Duplicate zip entry ${JSON.stringify(name)}.`);
    if (data.length > MAX_ZIP_ENTRY_BYTES) throw new Error(`Zip entry ${name} is ${data.length} bytes, over the ${MAX_ZIP_ENTRY_BYTES}-byte limit.`);
    const deflated = options.compress ? deflateRawSync(data) : null;
    const useDeflate = deflated !== null && deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    const nameBytes = Buffer.from(name, 'utf8');
    const { time, date } = dosDateTime(options.mtime);
    const entry: CentralEntry = {
      name: nameBytes,
      method: useDeflate ? METHOD_DEFLATE : METHOD_STORE,
      time,
      date,
      crc: crc32(data) >>> 0,
      compressedSize: body.length,
      size: data.length,
      offset: this.offset,
    };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(VERSION_DEFAULT, 4);
    header.writeUInt16LE(FLAG_UTF8, 6);
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(entry.crc, 14);
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    await this.write(header);
    await this.write(nameBytes);
    await this.write(body);
    this.entries.push(entry);
    this.names.add(name);
  }

  /** Writes the central directory and closes the file (fsynced). */
  async close(): Promise<{ path: string; entries: number; bytes: number }> {
    if (this.closed) throw new Error('The zip file is already closed.');
    this.closed = true;
    try {
      const centralStart = this.offset;
      for (const entry of this.entries) await this.write(centralHeader(entry));
      const centralSize = this.offset - centralStart;
      const zip64 = this.entries.length >= MAX_U16 || centralStart >= MAX_U32 || centralSize >= MAX_U32;
      if (zip64) {
        const recordAt = this.offset;
        await this.write(zip64End(this.entries.length, centralSize, centralStart));
        await this.write(zip64Locator(recordAt));
      }
      const end = Buffer.alloc(22);
      end.writeUInt32LE(END_OF_CENTRAL, 0);
      end.writeUInt16LE(0, 4);
      end.writeUInt16LE(0, 6);
      end.writeUInt16LE(Math.min(this.entries.length, MAX_U16), 8);
      end.writeUInt16LE(Math.min(this.entries.length, MAX_U16), 10);
      end.writeUInt32LE(Math.min(centralSize, MAX_U32), 12);
      end.writeUInt32LE(Math.min(centralStart, MAX_U32), 16);
      end.writeUInt16LE(0, 20);
      await this.write(end);
      await this.flush();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    return { path: this.path, entries: this.entries.length, bytes: this.offset };
  }

  /** Closes and deletes the partial file (after a failure). */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }

  /** Small pieces (headers, sidecars) are gathered and written in blocks of WRITE_BLOCK bytes. */
  private async write(bytes: Uint8Array): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offset += bytes.length;
    if (this.pendingBytes >= WRITE_BLOCK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const block = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    let written = 0;
    while (written < block.length) {
      const { bytesWritten } = await this.handle.write(block, written, block.length - written, this.flushedTo + written);
      written += bytesWritten;
    }
    this.flushedTo += block.length;
  }
}

function centralHeader(entry: CentralEntry): Buffer {
  const needsZip64 = entry.offset >= MAX_U32;
  const extra = Buffer.alloc(needsZip64 ? 12 : 0);
  if (needsZip64) {
    extra.writeUInt16LE(ZIP64_EXTRA_ID, 0);
    extra.writeUInt16LE(8, 2);
    extra.writeBigUInt64LE(BigInt(entry.offset), 4);
  }
  const header = Buffer.alloc(46);
  const version = needsZip64 ? VERSION_ZIP64 : VERSION_DEFAULT;
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(MADE_BY_UNIX | version, 4);
  header.writeUInt16LE(version, 6);
  header.writeUInt16LE(FLAG_UTF8, 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(entry.time, 12);
  header.writeUInt16LE(entry.date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressedSize, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt16LE(0, 32); // comment
  header.writeUInt16LE(0, 34); // disk
  header.writeUInt16LE(0, 36); // internal attributes
  header.writeUInt32LE((UNIX_FILE_MODE << 16) >>> 0, 38);
  header.writeUInt32LE(needsZip64 ? MAX_U32 : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

function zip64End(entries: number, centralSize: number, centralStart: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(ZIP64_END_OF_CENTRAL, 0);
  record.writeBigUInt64LE(44n, 4); // size of the rest of this record
  record.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  record.writeUInt32LE(0, 16);
  record.writeUInt32LE(0, 20);
  record.writeBigUInt64LE(BigInt(entries), 24);
  record.writeBigUInt64LE(BigInt(entries), 32);
  record.writeBigUInt64LE(BigInt(centralSize), 40);
  record.writeBigUInt64LE(BigInt(centralStart), 48);
  return record;
}

function zip64Locator(recordAt: number): Buffer {
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(ZIP64_LOCATOR, 0);
  locator.writeUInt32LE(0, 4);
  locator.writeBigUInt64LE(BigInt(recordAt), 8);
  locator.writeUInt32LE(1, 16);
  return locator;
}

/** MS-DOS date and time (local time, 2-second resolution, 1980–2107), what every unzip tool shows. */
export function dosDateTime(epochMs: number): { time: number; date: number } {
  const d = new Date(epochMs);
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  if (d.getFullYear() < 1980) return { time: 0, date: (0 << 9) | (1 << 5) | 1 };
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}
