import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useApi } from '../../api/api-context';
import type { PanelProps } from '../panel-props';
import { carriesFiles, IDLE_DRAG, nextDragDepth, type DragDepth } from './drag-depth';
import { ImagesDialog } from './ImagesDialog';
import { DRAG_MESSAGES, dragIntent, OPEN_ACCEPT, type DragIntent } from './intake-files';
import { createIntakeStore, type IntakeStore } from './intake.store';
import { PreviewDialog } from './PreviewDialog';
import { PromptBar } from './PromptBar';
import { walkDroppedItems, type DroppedItem, type EntryLike } from './walk-entries';
import { plural } from '../../lib/format';
import './intake.css';

/** How long a confirmation line stays. */
const CONFIRMATION_MS = 8_000;

/**
 * Everything that brings work in (issue 8): the prompt bar at the top of the workspace, files dropped
 * anywhere on the window (overlay, then the batch preview or the image import), and the file picker
 * (button and Ctrl/⌘+O). Drops an inner drop zone handled (the Estimate card) are left to it.
 */
export function Intake({ onNavigate }: PanelProps) {
  const client = useApi();
  const [store] = useState(() => createIntakeStore(client));
  const fileInput = useRef<HTMLInputElement>(null);
  const drag = useWindowDrop(store);
  const batchOpen = useStore(store, (s) => s.batch !== null);
  const reading = useStore(store, (s) => s.reading);
  const readError = useStore(store, (s) => s.readError);
  const lastSubmitted = useStore(store, (s) => s.lastSubmitted);

  // The "Queued N jobs" line stays long enough to read, then makes room again.
  useEffect(() => {
    if (!lastSubmitted) return;
    const timer = setTimeout(() => store.getState().clearLastSubmitted(), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [lastSubmitted, store]);

  // Ctrl/⌘+O: the batch file picker, from anywhere.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.shiftKey || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'o') return;
      event.preventDefault();
      // Behind an open dialog the picker's files would replace what the dialog shows.
      if (!modalOpen()) fileInput.current?.click();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const notice = readError ? (
    <span className="intake-invalid" role="alert">
      {readError}{' '}
      <button type="button" className="intake-link" onClick={() => store.getState().dismissReadError()}>
        Dismiss
      </button>
    </span>
  ) : reading ? (
    <span>Reading the files…</span>
  ) : lastSubmitted ? (
    <span className="prompt-bar-confirmation">
      Queued {plural(lastSubmitted.jobs, 'job')} ({plural(lastSubmitted.images, 'image')}) from {plural(lastSubmitted.batches.length, 'file')}.
    </span>
  ) : null;

  return (
    <>
      <PromptBar onOpenFiles={() => fileInput.current?.click()} onShowQueue={() => onNavigate('queue')} notice={notice} />
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        accept={OPEN_ACCEPT}
        aria-label="Batch files or images to add"
        data-testid="intake-file-input"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = '';
          if (files.length > 0) void walkDroppedItems(files.map((file) => ({ file }))).then((walk) => store.getState().receive(walk));
        }}
      />
      {drag.active && !drag.overInnerZone ? (
        <div className="intake-overlay" data-testid="intake-overlay">
          <div className="intake-overlay-card" role="status">
            {DRAG_MESSAGES[drag.intent]}
          </div>
        </div>
      ) : null}
      <PreviewDialog store={store} onQueued={() => onNavigate('queue')} />
      <ImagesDialog store={store} blocked={batchOpen} onOpenGallery={() => onNavigate('gallery')} />
    </>
  );
}

interface WindowDrag extends DragDepth {
  intent: DragIntent;
  /** The pointer is over a drop zone of its own (it stopped or claimed the dragover): no overlay then. */
  overInnerZone: boolean;
}

/** Another dialog is open (this one's, or a panel's): a drop now would land behind it. */
function modalOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}

/** The dropped items, read while the event lasts: a DataTransfer is emptied once its event returns. */
function droppedItems(data: DataTransfer): DroppedItem<File>[] {
  const items: DroppedItem<File>[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) items.push({ entry: entry as unknown as EntryLike<File> });
    else {
      const file = item.getAsFile();
      if (file) items.push({ file });
    }
  }
  if (items.length === 0) for (const file of Array.from(data.files)) items.push({ file });
  return items;
}

function useWindowDrop(store: IntakeStore): WindowDrag {
  const [state, setState] = useState<WindowDrag>({ ...IDLE_DRAG, intent: 'batch', overInnerZone: false });

  useEffect(() => {
    let depth: DragDepth = IDLE_DRAG;
    let lastBubbled: Event | null = null;
    const apply = (signal: Parameters<typeof nextDragDepth>[1], event: DragEvent) => {
      depth = nextDragDepth(depth, signal);
      const types = Array.from(event.dataTransfer?.items ?? []).map((item) => item.type);
      setState((current) => ({ ...current, ...depth, intent: signal === 'enter' ? dragIntent(types) : current.intent, overInnerZone: signal === 'enter' ? false : current.overInnerZone }));
    };

    // Capture phase: inner drop zones stop their events from bubbling, but cannot hide them from capture.
    const onEnter = (event: DragEvent) => {
      if (carriesFiles(event.dataTransfer?.types) && !modalOpen()) apply('enter', event);
    };
    const onLeave = (event: DragEvent) => {
      if (carriesFiles(event.dataTransfer?.types)) apply('leave', event);
    };
    const onDropCapture = (event: DragEvent) => apply('drop', event);
    const onEnd = (event: DragEvent) => apply('end', event);
    const onOverCapture = (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer?.types)) return;
      // After the event has run its course: did it reach the window unclaimed?
      setTimeout(() => {
        const inner = lastBubbled !== event;
        setState((current) => (current.overInnerZone === inner ? current : { ...current, overInnerZone: inner }));
      }, 0);
    };
    // Bubble phase: claim the drag (so a drop is allowed) unless an inner zone already did.
    const onOver = (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer?.types) || event.defaultPrevented) return;
      lastBubbled = event;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = modalOpen() ? 'none' : 'copy';
    };
    const onDrop = (event: DragEvent) => {
      if (event.defaultPrevented || !event.dataTransfer || !carriesFiles(event.dataTransfer.types)) return;
      // Ours now: the browser must not open the file in place of the app.
      event.preventDefault();
      if (modalOpen()) return;
      const items = droppedItems(event.dataTransfer);
      if (items.length === 0) return;
      void walkDroppedItems(items).then((walk) => store.getState().receive(walk));
    };

    window.addEventListener('dragenter', onEnter, true);
    window.addEventListener('dragleave', onLeave, true);
    window.addEventListener('dragover', onOverCapture, true);
    window.addEventListener('drop', onDropCapture, true);
    window.addEventListener('dragend', onEnd, true);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter, true);
      window.removeEventListener('dragleave', onLeave, true);
      window.removeEventListener('dragover', onOverCapture, true);
      window.removeEventListener('drop', onDropCapture, true);
      window.removeEventListener('dragend', onEnd, true);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [store]);

  return state;
}
