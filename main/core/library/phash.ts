/**
 * 64-bit DCT perceptual hash (the classic pHash.org `ph_dct_imagehash` recipe) for near-duplicate
 * search (DESIGN §5). Written here rather than taken from a library such as sharp-phash because those
 * decode the image again; ingest already holds the decoded thumbnail pixels, and reusing them keeps
 * ingest close to the cost of a bare thumbnail.
 *
 * Recipe: 32×32 greyscale → 2-D DCT-II → the 8×8 block of lowest frequencies, skipping row 0 and
 * column 0 (the DC row/column carry overall brightness and gradients, not structure) → one bit per
 * coefficient, set when it is above the block's median.
 */

export const PHASH_INPUT_SIDE = 32;
const HASH_SIDE = 8;
/** First DCT row/column used: 1 skips the DC terms, as pHash.org does. */
const FIRST_COEFFICIENT = 1;
const HEX_CHARS = 16;

/** cos((2x + 1) u π / 2N) for u < HASH_SIDE + FIRST_COEFFICIENT, x < N: only the rows we keep. */
const COSINES: Float64Array = buildCosines();

function buildCosines(): Float64Array {
  const n = PHASH_INPUT_SIDE;
  const rows = HASH_SIDE + FIRST_COEFFICIENT;
  const table = new Float64Array(rows * n);
  for (let u = 0; u < rows; u++) {
    for (let x = 0; x < n; x++) table[u * n + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n));
  }
  return table;
}

/** `pixels`: 32×32 = 1024 greyscale bytes, row-major. Returns 16 lowercase hex characters. */
export function phashFromGrey32(pixels: Uint8Array): string {
  const n = PHASH_INPUT_SIDE;
  if (pixels.length !== n * n) throw new Error(`phash needs ${n * n} greyscale pixels, got ${pixels.length}.`);
  const block = lowFrequencyBlock(pixels);
  const median = medianOf(block);
  let hex = '';
  for (let nibble = 0; nibble < HEX_CHARS; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | (block[nibble * 4 + bit]! > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/**
 * Separable DCT-II restricted to the coefficients we keep: first along rows (32 columns → 9), then down
 * columns. The orthonormal scale factors are omitted: outside the skipped DC row/column they are one
 * positive constant, which cannot change a comparison with the median.
 */
function lowFrequencyBlock(pixels: Uint8Array): Float64Array {
  const n = PHASH_INPUT_SIDE;
  const keep = HASH_SIDE + FIRST_COEFFICIENT;
  const rowPass = new Float64Array(n * keep); // [y][v]
  for (let y = 0; y < n; y++) {
    for (let v = 0; v < keep; v++) {
      let sum = 0;
      for (let x = 0; x < n; x++) sum += pixels[y * n + x]! * COSINES[v * n + x]!;
      rowPass[y * keep + v] = sum;
    }
  }
  const block = new Float64Array(HASH_SIDE * HASH_SIDE); // [u - 1][v - 1]
  for (let u = FIRST_COEFFICIENT; u < keep; u++) {
    for (let v = FIRST_COEFFICIENT; v < keep; v++) {
      let sum = 0;
      for (let y = 0; y < n; y++) sum += rowPass[y * keep + v]! * COSINES[u * n + y]!;
      block[(u - FIRST_COEFFICIENT) * HASH_SIDE + (v - FIRST_COEFFICIENT)] = sum;
    }
  }
  return block;
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length / 2;
  return (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA; 8 bits per sample. */
  channels: number;
}

/** ITU-R BT.601 luma weights, what PIL's convert('L') (and so imagehash) uses. */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Box-filters already decoded pixels (the thumbnail) down to the 32×32 greyscale the hash needs.
 * Done in JS on purpose: it is ~65k samples, far cheaper than another trip through sharp's thread
 * pool. Transparent pixels are composited onto white, so the hash sees what a viewer shows.
 */
export function grey32FromRaw(raw: RawPixels): Uint8Array {
  const { data, width, height, channels } = raw;
  if (channels < 1 || channels > 4 || data.length < width * height * channels || width < 1 || height < 1) {
    throw new Error(`grey32FromRaw: ${width}×${height}×${channels} does not match ${data.length} bytes.`);
  }
  const luma = lumaOf(channels);
  const side = PHASH_INPUT_SIDE;
  const out = new Uint8Array(side * side);
  for (let oy = 0; oy < side; oy++) {
    const y0 = Math.floor((oy * height) / side);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * height) / side));
    for (let ox = 0; ox < side; ox++) {
      const x0 = Math.floor((ox * width) / side);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * width) / side));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += luma(data, (y * width + x) * channels);
      out[oy * side + ox] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return out;
}

function lumaOf(channels: number): (data: Uint8Array, at: number) => number {
  const onWhite = (value: number, alpha: number): number => (value * alpha + 255 * (255 - alpha)) / 255;
  switch (channels) {
    case 1:
      return (d, i) => d[i]!;
    case 2:
      return (d, i) => onWhite(d[i]!, d[i + 1]!);
    case 3:
      return (d, i) => LUMA[0] * d[i]! + LUMA[1] * d[i + 1]! + LUMA[2] * d[i + 2]!;
    default:
      return (d, i) => onWhite(LUMA[0] * d[i]! + LUMA[1] * d[i + 1]! + LUMA[2] * d[i + 2]!, d[i + 3]!);
  }
}

const HASH_PATTERN = /^[0-9a-f]{16}$/i;
const NIBBLE_BITS = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4] as const;

/** Number of differing bits between two 16-hex-char hashes (0 identical … 64 opposite). */
export function hammingDistance(a: string, b: string): number {
  if (!HASH_PATTERN.test(a) || !HASH_PATTERN.test(b)) throw new Error('hammingDistance expects two 16-character hex hashes.');
  let distance = 0;
  for (let i = 0; i < HEX_CHARS; i++) distance += NIBBLE_BITS[parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)]!;
  return distance;
}
