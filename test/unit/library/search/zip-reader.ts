import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * A minimal ZIP reader for tests, written from APPNOTE independently of the writer: finds the end
 * record (and the ZIP64 one when present), walks the central directory, checks every local header
 * against it, inflates and verifies each entry's CRC-32.
 */
export interface ZipEntryRead {
  name: string;
  method: number;
  data: Buffer;
  mtime: { date: number; time: number };
  externalAttributes: number;
}

export function readZip(path: string): ZipEntryRead[] {
  const zip = readFileSync(path);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('no end of central directory record');
  let count = zip.readUInt16LE(end + 10);
  let cdOffset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const locator = end - 20;
    if (zip.readUInt32LE(locator) !== 0x07064b50) throw new Error('ZIP64 locator missing');
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(record) !== 0x06064b50) throw new Error('ZIP64 end record missing');
    count = Number(zip.readBigUInt64LE(record + 32));
    cdOffset = Number(zip.readBigUInt64LE(record + 48));
  }
  const entries: ZipEntryRead[] = [];
  let at = cdOffset;
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`central header ${n} missing at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const time = zip.readUInt16LE(at + 12);
    const date = zip.readUInt16LE(at + 14);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const externalAttributes = zip.readUInt32LE(at + 38);
    let offset = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (offset === 0xffffffff) {
      const extra = zip.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
      if (extra.readUInt16LE(0) !== 0x0001) throw new Error('ZIP64 extra field missing');
      offset = Number(extra.readBigUInt64LE(4));
    }
    if (zip.readUInt32LE(offset) !== 0x04034b50) throw new Error(`local header of ${name} missing`);
    if (zip.readUInt32LE(offset + 14) !== crc || zip.readUInt32LE(offset + 18) !== compressed) throw new Error(`local header of ${name} disagrees`);
    const localName = zip.readUInt16LE(offset + 26);
    const localExtra = zip.readUInt16LE(offset + 28);
    const start = offset + 30 + localName + localExtra;
    const body = zip.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(body) : method === 0 ? Buffer.from(body) : null;
    if (!data) throw new Error(`unknown method ${method}`);
    if (data.length !== size || crc32(data) >>> 0 !== crc) throw new Error(`${name}: size or CRC mismatch`);
    entries.push({ name, method, data, mtime: { date, time }, externalAttributes });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
