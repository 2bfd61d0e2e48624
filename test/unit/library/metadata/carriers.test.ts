import { describe, expect, it } from 'vitest';
import { analyzeImage } from '../../../../main/core/library/image-pipeline';
import { readJpegSegments, readMetadataSources, readWebpChunks, walkPng } from '../../../../main/core/library/metadata/carriers';
import { pngChunk, solidPng, withRawChunksAfterIhdr } from '../images';
import { TAGS, ascii, buildTiff, exifSegment, jpegWith, textChunk, userComment, webpWith } from './build-exif';

describe('readMetadataSources', () => {
  it('PNG: text chunks by keyword (first one wins, like A1111), eXIf and XMP', async () => {
    const png = withRawChunksAfterIhdr(await solidPng(), [
      textChunk('parameters', 'first'),
      textChunk('parameters', 'second'),
      pngChunk('eXIf', buildTiff('MM', [], [{ tag: TAGS.userComment, type: 7, value: userComment('Screenshot', 'ASCII') }])),
      pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.from('<x:xmpmeta/>')])),
    ]);
    const { sources, warnings } = readMetadataSources(png, 'png');
    expect(sources.png.get('parameters')).toBe('first');
    expect(sources.exif).toEqual({ userComment: 'Screenshot' });
    expect(sources.xmp).toBe('<x:xmpmeta/>');
    expect(warnings).toEqual([]);
  });

  it('PNG: a broken container throws with the defect named', async () => {
    const png = await solidPng();
    expect(() => readMetadataSources(png.subarray(0, png.length - 6), 'png')).toThrow(/Truncated PNG|truncated/);
  });

  it('PNG: reads the text around the image data without checksumming it; the decoder still refuses damaged pixels', async () => {
    const png = withRawChunksAfterIhdr(await solidPng(), [textChunk('parameters', 'kept')]);
    const { withoutImageData } = walkPng(png);
    expect(withoutImageData.length).toBeLessThan(png.length);
    expect(Buffer.from(withoutImageData).includes('IDAT')).toBe(false);
    // Break the IDAT CRC: metadata is still read, and the decode (which checks it) fails.
    const damaged = Buffer.from(png);
    const idat = damaged.indexOf('IDAT');
    const crcAt = idat + 4 + damaged.readUInt32BE(idat - 4);
    damaged[crcAt] = damaged[crcAt]! ^ 0xff;
    expect(readMetadataSources(damaged, 'png').sources.png.get('parameters')).toBe('kept');
    await expect(analyzeImage(damaged)).rejects.toThrow(/Cannot decode the PNG image/);
  });

  it('PNG: names structural defects (bad chunk type, chunk overrunning the file, missing IEND)', async () => {
    const png = await solidPng();
    expect(() => walkPng(Buffer.concat([png.subarray(0, 12), Buffer.from('I$DR'), png.subarray(16)]))).toThrow(/invalid chunk type at byte 12/);
    const overrun = Buffer.from(png);
    overrun.writeUInt32BE(0x00ff_ffff, 8 + 25);
    expect(() => walkPng(overrun)).toThrow(/claims 16777215 bytes, more than the file holds/);
    expect(() => walkPng(png.subarray(0, png.length - 12))).toThrow(/before the IEND chunk/);
    expect(() => walkPng(Buffer.from('GIF89a'))).toThrow(/signature/);
  });

  it('JPEG: Exif UserComment, XMP and COM segments', () => {
    const jpeg = jpegWith([
      exifSegment(buildTiff('MM', [], [{ tag: TAGS.userComment, type: 7, value: userComment('Steps: 1', 'UNICODE-BE') }])),
      { marker: 0xe1, payload: Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from('<xmp/>')]) },
      { marker: 0xfe, payload: Buffer.from('GIMPで再保存') },
      { marker: 0xfe, payload: Buffer.from([0x63, 0x61, 0x66, 0xe9]) }, // Latin-1 "café", not UTF-8
    ]);
    const { sources } = readMetadataSources(jpeg, 'jpeg');
    expect(sources.exif?.userComment).toBe('Steps: 1');
    expect(sources.xmp).toBe('<xmp/>');
    expect(sources.comment).toBe('GIMPで再保存\ncafé');
  });

  it('JPEG: a segment overrunning the file is a corrupt file; a broken EXIF block only a warning', () => {
    const jpeg = jpegWith([{ marker: 0xe2, payload: Buffer.alloc(40) }]);
    const cut = jpeg.subarray(0, 30);
    expect(() => readJpegSegments(cut)).toThrow(/overruns the file|Truncated JPEG/);
    expect(() => readJpegSegments(Buffer.from('not a jpeg'))).toThrow(/SOI/);
    const badExif = jpegWith([exifSegment(Buffer.from('ZZ garbage'))]);
    const { sources, warnings } = readMetadataSources(badExif, 'jpeg');
    expect(sources.exif).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/^JPEG Exif segment: .*byte-order/)]);
  });

  it('WebP: EXIF and XMP chunks, odd sizes padded', () => {
    const exif = buildTiff('II', [{ tag: TAGS.software, type: 2, value: ascii('NovelAI Diffusion V4.5') }]);
    const webp = webpWith([
      { fourcc: 'VP8X', data: Buffer.alloc(10) },
      { fourcc: 'ICCP', data: Buffer.alloc(3) },
      { fourcc: 'EXIF', data: exif },
      { fourcc: 'XMP ', data: Buffer.from('<xmp/>') },
    ]);
    expect(readWebpChunks(webp).xmp).toBe('<xmp/>');
    expect(readMetadataSources(webp, 'webp').sources.exif).toEqual({ software: 'NovelAI Diffusion V4.5' });
  });

  it('WebP: a chunk claiming more bytes than the file holds is reported', () => {
    const webp = webpWith([{ fourcc: 'EXIF', data: Buffer.alloc(20) }]);
    webp.writeUInt32LE(10_000, 16);
    expect(() => readWebpChunks(webp)).toThrow(/Truncated WebP: chunk 'EXIF'/);
    expect(() => readWebpChunks(Buffer.from('RIFF....AVI '))).toThrow(/RIFF\/WEBP/);
  });
});
