import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { Button } from '../../components/Button';
import { imageUrl } from '../../lib/asset-url';
import { canPan, clampPan, fitView, panBy, steppedScale, wheelScale, zoomAt, zoomCentered, zoomLabel, type Point, type Size, type View } from './zoom';

/** What the detail view's keys drive. */
export interface ZoomControls {
  zoomIn(): void;
  zoomOut(): void;
  fit(): void;
  actualSize(): void;
}

interface Props {
  assetId: number;
  alt: string;
  controls?: Ref<ZoomControls>;
}

/** The image at "fit" until the artist zooms; `null` view means fit (and it follows window resizes). */
type Mode = { kind: 'fit' } | { kind: 'free'; view: View };

interface Drag {
  pointerId: number;
  last: Point;
}

/**
 * The full image on a dark stage: fit to the window, wheel or pinch zooms about the pointer, drag pans,
 * double-click toggles fit and 100%. The original file is shown (served by id), so 100% is every pixel.
 */
export function ZoomableImage({ assetId, alt, controls }: Props) {
  const stageRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState<Size>({ width: 0, height: 0 });
  const [image, setImage] = useState<{ id: number; size: Size } | null>(null);
  const [failed, setFailed] = useState<number | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'fit' });
  const drag = useRef<Drag | null>(null);
  /** Active touch pointers, for a two-finger pinch. */
  const touches = useRef(new Map<number, Point>());
  const pinchDistance = useRef<number | null>(null);

  // A new image starts at fit.
  const [shownId, setShownId] = useState(assetId);
  if (shownId !== assetId) {
    setShownId(assetId);
    setMode({ kind: 'fit' });
  }

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const measure = () => setViewport({ width: stage.clientWidth, height: stage.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(stage);
    return () => observer.disconnect();
  }, []);

  const size = image && image.id === assetId ? image.size : null;
  // A free view is re-clamped on every render: a window resize must not strand the image off-stage.
  const view: View | null = size ? (mode.kind === 'fit' ? fitView(size, viewport) : clampPan(mode.view, size, viewport)) : null;

  /** Applies a change to the current view (fit counts as its computed view). */
  const update = useCallback(
    (change: (current: View, size: Size) => View) => {
      if (!size) return;
      setMode((old) => ({ kind: 'free', view: change(old.kind === 'fit' ? fitView(size, viewport) : clampPan(old.view, size, viewport), size) }));
    },
    [size, viewport],
  );

  const zoomIn = useCallback(() => update((v, s) => zoomCentered(v, steppedScale(v.scale, 1), s, viewport)), [update, viewport]);
  const zoomOut = useCallback(() => update((v, s) => zoomCentered(v, steppedScale(v.scale, -1), s, viewport)), [update, viewport]);
  const fit = useCallback(() => setMode({ kind: 'fit' }), []);
  const actualSize = useCallback(() => update((v, s) => zoomCentered(v, 1, s, viewport)), [update, viewport]);
  useImperativeHandle(controls, () => ({ zoomIn, zoomOut, fit, actualSize }), [zoomIn, zoomOut, fit, actualSize]);

  // Wheel and trackpad pinch (a wheel event with ctrlKey): a native listener, because React's is passive
  // and the page must not scroll or zoom itself.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = stage.getBoundingClientRect();
      const anchor = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      update((v, s) => zoomAt(v, wheelScale(v.scale, event.deltaY, event.deltaMode, event.ctrlKey), anchor, s, viewport));
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => stage.removeEventListener('wheel', onWheel);
  }, [update, viewport]);

  const pointIn = (event: { clientX: number; clientY: number }): Point => {
    const rect = stageRef.current?.getBoundingClientRect();
    return { x: event.clientX - (rect?.left ?? 0), y: event.clientY - (rect?.top ?? 0) };
  };

  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    if (event.pointerType === 'touch') {
      touches.current.set(event.pointerId, pointIn(event));
      if (touches.current.size === 2) {
        const [a, b] = [...touches.current.values()] as [Point, Point];
        pinchDistance.current = Math.hypot(a.x - b.x, a.y - b.y);
        drag.current = null;
        return;
      }
    }
    if (event.button !== 0 || !size || !view || !canPan(view, size, viewport)) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { pointerId: event.pointerId, last: { x: event.clientX, y: event.clientY } };
  };

  const onPointerMove = (event: React.PointerEvent<HTMLDivElement>) => {
    if (event.pointerType === 'touch' && touches.current.has(event.pointerId)) {
      touches.current.set(event.pointerId, pointIn(event));
      if (touches.current.size === 2 && pinchDistance.current !== null) {
        const [a, b] = [...touches.current.values()] as [Point, Point];
        const distance = Math.hypot(a.x - b.x, a.y - b.y);
        const ratio = distance / pinchDistance.current;
        pinchDistance.current = distance;
        const centre = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
        update((v, s) => zoomAt(v, v.scale * ratio, centre, s, viewport));
        return;
      }
    }
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId) return;
    const dx = event.clientX - current.last.x;
    const dy = event.clientY - current.last.y;
    current.last = { x: event.clientX, y: event.clientY };
    update((v, s) => panBy(v, dx, dy, s, viewport));
  };

  const onPointerEnd = (event: React.PointerEvent<HTMLDivElement>) => {
    touches.current.delete(event.pointerId);
    if (touches.current.size < 2) pinchDistance.current = null;
    if (drag.current?.pointerId === event.pointerId) drag.current = null;
  };

  const onDoubleClick = (event: React.MouseEvent<HTMLDivElement>) => {
    if (mode.kind === 'free' && view && Math.abs(view.scale - 1) < 0.001) fit();
    else {
      const anchor = pointIn(event);
      update((v, s) => zoomAt(v, 1, anchor, s, viewport));
    }
  };

  const pannable = size !== null && view !== null && canPan(view, size, viewport);
  const src = imageUrl(assetId);

  return (
    <div className="asset-detail-viewer">
      <div
        ref={stageRef}
        className={['asset-detail-stage', pannable ? 'is-pannable' : null].filter(Boolean).join(' ')}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerEnd}
        onPointerCancel={onPointerEnd}
        onDoubleClick={onDoubleClick}
      >
        {failed === assetId ? (
          <p className="asset-detail-stage-message" role="alert">
            The image file could not be loaded. It may have been moved or deleted; <code>library check</code> finds such files.
          </p>
        ) : (
          <img
            key={assetId}
            src={src}
            alt={alt}
            draggable={false}
            className="asset-detail-image"
            onLoad={(event) => {
              const img = event.currentTarget;
              setImage({ id: assetId, size: { width: img.naturalWidth, height: img.naturalHeight } });
              setFailed(null);
            }}
            onError={() => setFailed(assetId)}
            style={
              size && view
                ? { width: size.width, height: size.height, transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`, visibility: 'visible' }
                : { visibility: 'hidden' }
            }
          />
        )}
      </div>
      <div className="asset-detail-zoombar" role="toolbar" aria-label="Zoom">
        <Button size="small" variant="ghost" aria-label="Zoom out" title="Zoom out (−)" onClick={zoomOut} disabled={!size}>
          −
        </Button>
        <output className="asset-detail-zoom-level" aria-label="Zoom level">
          {view ? zoomLabel(view.scale) : '—'}
        </output>
        <Button size="small" variant="ghost" aria-label="Zoom in" title="Zoom in (+)" onClick={zoomIn} disabled={!size}>
          +
        </Button>
        <Button size="small" variant="ghost" aria-pressed={mode.kind === 'fit'} title="Fit to window (0)" onClick={fit} disabled={!size}>
          Fit
        </Button>
        <Button size="small" variant="ghost" title="Actual size (1)" onClick={actualSize} disabled={!size}>
          100%
        </Button>
      </div>
    </div>
  );
}
