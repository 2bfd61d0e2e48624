import { describe, expect, it } from 'vitest';
import { decodeUserComment, decodeUtf16, readExifText } from '../../../../main/core/library/metadata/exif';
import { TAGS, ascii, buildTiff, userComment } from './build-exif';

const INFOTEXT = 'a red fox, 狐\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512';

describe('readExifText', () => {
  it.each([
    ['II', 'UNICODE-BE'],
    ['II', 'UNICODE-LE'],
    ['MM', 'UNICODE-BE'],
    ['MM', 'UNICODE-LE'],
  ] as const)('reads UserComment as UTF-16 in either byte order, whatever the TIFF order (%s TIFF, %s text)', (order, charset) => {
    const tiff = buildTiff(order, [], [{ tag: TAGS.userComment, type: 7, value: userComment(INFOTEXT, charset) }]);
    expect(readExifText(tiff).userComment).toBe(INFOTEXT);
  });

  it('reads ASCII-charset and header-less (raw UTF-8 JSON) UserComments', () => {
    const json = '{"prompt": {"3": {"class_type": "KSampler"}}, "note": "ü"}';
    expect(readExifText(buildTiff('MM', [], [{ tag: TAGS.userComment, type: 7, value: userComment(json, 'ASCII') }])).userComment).toBe(json);
    expect(readExifText(buildTiff('II', [], [{ tag: TAGS.userComment, type: 7, value: userComment(json, 'none') }])).userComment).toBe(json);
  });

  it('finds a UserComment written straight into IFD0 (ComfyUI SaveImagePlus)', () => {
    const tiff = buildTiff('MM', [{ tag: TAGS.userComment, type: 2, value: ascii('{"prompt": {}}') }]);
    expect(readExifText(tiff).userComment).toBe('{"prompt": {}}');
  });

  it('reads the IFD0 text fields as UTF-8, and XPComment as UTF-16LE', () => {
    const tiff = buildTiff('II', [
      { tag: TAGS.imageDescription, type: 2, value: ascii('Workflow: {"nodes": []}') },
      { tag: TAGS.make, type: 2, value: ascii('Prompt: {"1": {}}') },
      { tag: TAGS.model, type: 2, value: ascii('prompt:{"2": {}}') },
      { tag: TAGS.software, type: 2, value: ascii('GIMPで 3.0') },
      { tag: TAGS.xpComment, type: 1, value: Buffer.from('hello\0', 'utf16le') },
    ]);
    expect(readExifText(tiff)).toEqual({
      imageDescription: 'Workflow: {"nodes": []}',
      make: 'Prompt: {"1": {}}',
      model: 'prompt:{"2": {}}',
      software: 'GIMPで 3.0',
      xpComment: 'hello',
    });
  });

  it('accepts a block that still starts with the JPEG "Exif\\0\\0" prefix (some WebP writers keep it)', () => {
    const tiff = buildTiff('MM', [{ tag: TAGS.software, type: 2, value: ascii('NovelAI') }]);
    expect(readExifText(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])).software).toBe('NovelAI');
  });

  it('names the defect of a broken TIFF header', () => {
    expect(() => readExifText(Buffer.from('XX*\0\0\0\0\0'))).toThrow(/byte-order mark/);
    expect(() => readExifText(Buffer.from('II'))).toThrow(/too short/);
    expect(() => readExifText(Buffer.from([0x49, 0x49, 0x2b, 0, 8, 0, 0, 0]))).toThrow(/magic/);
  });

  it('skips fields and IFDs that point outside the block instead of reading past it', () => {
    const tiff = buildTiff('MM', [{ tag: TAGS.imageDescription, type: 2, value: ascii('a long enough description') }]);
    // Point the description's value far beyond the end of the block.
    const entry = 8 + 2;
    tiff.writeUInt32BE(0x7fff_ff00, entry + 8);
    expect(readExifText(tiff)).toEqual({});
    // An IFD0 offset past the end and an absurd entry count both yield nothing.
    const bad = Buffer.from(tiff);
    bad.writeUInt32BE(0xffff_fff0, 4);
    expect(readExifText(bad)).toEqual({});
    const many = Buffer.from(tiff);
    many.writeUInt16BE(0xffff, 8);
    expect(readExifText(many)).toEqual({});
  });
});

describe('decodeUtf16 / decodeUserComment', () => {
  it('honours a byte-order mark over the fallback', () => {
    expect(decodeUtf16(Buffer.concat([Buffer.of(0xfe, 0xff), Buffer.from('ab', 'utf16le').swap16()]), true)).toBe('ab');
    expect(decodeUtf16(Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from('ab', 'utf16le')]), false)).toBe('ab');
  });

  it('falls back to the TIFF byte order when the text gives no hint (CJK only)', () => {
    const text = '初音ミク';
    expect(decodeUtf16(Buffer.from(text, 'utf16le'), true)).toBe(text);
    expect(decodeUtf16(Buffer.from(text, 'utf16le').swap16(), false)).toBe(text);
  });

  it('strips trailing NULs and ignores an odd trailing byte', () => {
    expect(decodeUserComment(Buffer.concat([userComment('abc', 'UNICODE-BE'), Buffer.of(0, 0, 7)]), false)).toBe('abc');
    expect(decodeUserComment(Buffer.concat([userComment('abc', 'ASCII'), Buffer.of(0, 0)]), false)).toBe('abc');
  });
});
