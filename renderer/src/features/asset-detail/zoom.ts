/**
 * The zoom and pan arithmetic of the detail view, kept pure so it is tested without a browser.
 * A view is the image's scale (1 = one image pixel per CSS pixel) and the position of its top-left
 * corner in the viewport, in CSS pixels.
 */

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface View {
  scale: number;
  x: number;
  y: number;
}

export const ZOOM_LIMITS = {
  /** Largest zoom: 16 screen pixels per image pixel is enough to inspect single pixels. */
  max: 16,
  /** Smallest zoom never goes below this or the fit scale, whichever is smaller. */
  min: 0.05,
  /** One +/− key press or button click multiplies or divides the scale by this. */
  step: 1.25,
  /** Wheel sensitivity: scale × e^(−deltaY × this); a 100 px notch is about ×1.2. */
  wheel: 0.0018,
} as const;

/** The scale that shows the whole image in the viewport; never above 1, so small images are not blown up. */
export function fitScale(image: Size, viewport: Size): number {
  if (image.width <= 0 || image.height <= 0 || viewport.width <= 0 || viewport.height <= 0) return 1;
  return Math.min(1, viewport.width / image.width, viewport.height / image.height);
}

export function minScale(image: Size, viewport: Size): number {
  return Math.min(ZOOM_LIMITS.min, fitScale(image, viewport));
}

export function clampScale(scale: number, image: Size, viewport: Size): number {
  if (!Number.isFinite(scale)) return fitScale(image, viewport);
  return Math.min(ZOOM_LIMITS.max, Math.max(minScale(image, viewport), scale));
}

/**
 * Keeps the image where it can be seen: along an axis where it is smaller than the viewport it is
 * centred; where it is larger, no gap may open between its edge and the viewport's.
 */
export function clampPan(view: View, image: Size, viewport: Size): View {
  const axis = (offset: number, imageSide: number, viewportSide: number): number => {
    const side = imageSide * view.scale;
    if (side <= viewportSide) return (viewportSide - side) / 2;
    return Math.min(0, Math.max(viewportSide - side, offset));
  };
  return { scale: view.scale, x: axis(view.x, image.width, viewport.width), y: axis(view.y, image.height, viewport.height) };
}

/** The whole image, centred. */
export function fitView(image: Size, viewport: Size): View {
  return clampPan({ scale: fitScale(image, viewport), x: 0, y: 0 }, image, viewport);
}

/** `scale`, with the image point under `anchor` (a viewport point) staying under it. */
export function zoomAt(view: View, scale: number, anchor: Point, image: Size, viewport: Size): View {
  const next = clampScale(scale, image, viewport);
  const ratio = next / view.scale;
  const moved = { scale: next, x: anchor.x - (anchor.x - view.x) * ratio, y: anchor.y - (anchor.y - view.y) * ratio };
  return clampPan(moved, image, viewport);
}

/** Zoom about the viewport's centre (keys and buttons). */
export function zoomCentered(view: View, scale: number, image: Size, viewport: Size): View {
  return zoomAt(view, scale, { x: viewport.width / 2, y: viewport.height / 2 }, image, viewport);
}

/** One step in or out. */
export function steppedScale(scale: number, direction: 1 | -1): number {
  return direction > 0 ? scale * ZOOM_LIMITS.step : scale / ZOOM_LIMITS.step;
}

/** A wheel or trackpad-pinch delta as a new scale (pinch arrives as a wheel event with ctrlKey and small deltas). */
export function wheelScale(scale: number, deltaY: number, deltaMode: number, pinch: boolean): number {
  // deltaMode 1 = lines, 2 = pages: bring them to pixels first so every device zooms alike.
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const gain = pinch ? ZOOM_LIMITS.wheel * 5 : ZOOM_LIMITS.wheel;
  return scale * Math.exp(-pixels * gain);
}

/** Moves the image by a drag delta. */
export function panBy(view: View, dx: number, dy: number, image: Size, viewport: Size): View {
  return clampPan({ scale: view.scale, x: view.x + dx, y: view.y + dy }, image, viewport);
}

/** "100%", "37%", "1,600%". */
export function zoomLabel(scale: number): string {
  return `${Math.round(scale * 100).toLocaleString('en-US')}%`;
}

/** Whether the image overflows the viewport (then dragging pans it). */
export function canPan(view: View, image: Size, viewport: Size): boolean {
  return image.width * view.scale > viewport.width + 0.5 || image.height * view.scale > viewport.height + 0.5;
}
