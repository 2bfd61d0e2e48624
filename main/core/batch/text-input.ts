/**
 * Turns what an artist dropped into text a parser can trust: UTF-8 with or without a BOM, and a clear
 * refusal for binary files, UTF-16 exports and text in another encoding (instead of queueing mojibake).
 */

export type DecodedText = { ok: true; text: string } | { ok: false; reason: string };

/** Characters inspected for binary content: enough to recognise an image or archive, cheap on a 10 MB file. */
const SNIFF_CHARS = 64 * 1024;
/** Share of control or replacement characters in the sniffed part above which a file is not text. */
const MAX_ODD_CHAR_SHARE = 0.01;

const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeBatchBytes(bytes: Uint8Array): DecodedText {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, reason: 'is UTF-16 text; save it as UTF-8 (most editors: "Save with encoding" → UTF-8)' };
  }
  if (bytes.includes(0)) return { ok: false, reason: 'looks like a binary file, not text' };
  let text: string;
  try {
    text = UTF8_DECODER.decode(bytes);
  } catch {
    return { ok: false, reason: 'is not UTF-8 text (a binary file, or text saved in another encoding: save it as UTF-8)' };
  }
  return checkBatchText(text);
}

/** Text from the renderer (the browser already decoded it): strip the BOM and refuse what is not text. */
export function checkBatchText(input: string): DecodedText {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.includes('\u0000')) return { ok: false, reason: 'looks like a binary file, not text' };
  const sample = text.slice(0, SNIFF_CHARS);
  let odd = 0;
  let replacement = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    // Tab, LF, VT, FF and CR are text; other C0 controls and DEL are not.
    if ((code < 0x20 && (code < 0x09 || code > 0x0d)) || code === 0x7f) odd += 1;
    else if (code === 0xfffd) replacement += 1;
  }
  const limit = Math.max(1, sample.length * MAX_ODD_CHAR_SHARE);
  if (odd > limit) return { ok: false, reason: 'looks like a binary file, not text' };
  if (replacement > limit) return { ok: false, reason: 'is not UTF-8 text (save it as UTF-8)' };
  return { ok: true, text };
}

/** Lines of a text, any of CRLF, LF or CR ending them. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}
