/**
 * The renderer's Content Security Policy (style.md §8.7.4), sent as a header by the `apex-app://` handler.
 * Scripts and styles come only from the app bundle; images may also come from `apex-asset:` (the library),
 * blob: and data: (previews the page builds itself). Nothing may be framed, posted or fetched elsewhere.
 */
export const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' apex-asset: blob: data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([name, value]) => `${name} ${value}`).join('; ');
