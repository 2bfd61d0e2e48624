import { useRef, useState, type DragEvent } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { BATCH_LIMITS } from '../../../../shared/domain/batch';
import { Button } from '../../components/Button';
import { FolderIcon } from '../../components/icons';
import { BATCH_TEXT_FORMATS, type BatchTextFormat } from './estimate-view';
import type { EstimateStore } from './estimate.store';

/** File types the "Open file…" picker offers: the ones the batch parser reads. */
const ACCEPT = '.txt,.csv,.tsv,.json,.jsonl,text/plain,text/csv,text/tab-separated-values,application/json';

/**
 * Where a batch comes in: a text box to paste into, a drop zone around it (drops are handled here and
 * stopped, so the window-wide intake overlay leaves them alone), and a file picker.
 */
export function BatchInputCard({ store }: { store: EstimateStore }) {
  const { text, format, fileName, phase, setText, setFormat, loadFile, fail, run, clear } = useStore(
    store,
    useShallow((s) => ({ text: s.text, format: s.format, fileName: s.fileName, phase: s.phase, setText: s.setText, setFormat: s.setFormat, loadFile: s.loadFile, fail: s.fail, run: s.run, clear: s.clear })),
  );
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const readFile = async (file: File) => {
    if (file.size > BATCH_LIMITS.fileBytes) {
      fail('read', { message: `${file.name} is ${(file.size / 1_048_576).toFixed(1)} MB; a batch file may be at most ${BATCH_LIMITS.fileBytes / 1_048_576} MB.`, code: 'INVALID_INPUT', incidentId: null });
      return;
    }
    try {
      await loadFile(file.name, await file.text());
    } catch (error) {
      fail('read', { message: `Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`, code: 'INVALID_INPUT', incidentId: null });
    }
  };

  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDragLeave = (event: DragEvent) => {
    if (event.currentTarget.contains(event.relatedTarget as Node | null)) return;
    setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    // Ours: the window-level intake overlay must not also queue this file.
    event.preventDefault();
    event.stopPropagation();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void readFile(file);
  };

  return (
    <section className="card estimate-input" aria-labelledby="estimate-batch-title">
      <header className="card-header">
        <h2 id="estimate-batch-title" className="card-title">
          Batch
        </h2>
        <p className="card-subtitle">Paste prompts, drop a batch file here, or open one. Nothing is queued.</p>
      </header>
      <div
        className={dragging ? 'estimate-drop is-dragging' : 'estimate-drop'}
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        data-testid="estimate-drop-zone"
      >
        <div className="estimate-input-row">
          <label className="estimate-field">
            <span className="estimate-field-label">Read as</span>
            <select className="estimate-select" value={format} onChange={(e) => setFormat(e.target.value as BatchTextFormat)}>
              {BATCH_TEXT_FORMATS.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <span className="estimate-file-name" aria-live="polite">
            {fileName ? `From ${fileName}` : text ? 'Pasted text' : ''}
          </span>
        </div>
        <label className="estimate-field is-block">
          <span className="estimate-field-label">Batch text</span>
          <textarea
            className="estimate-textarea"
            value={text}
            spellCheck={false}
            placeholder={'a lighthouse at dusk, oil painting\na fox in a {misty|snowy} forest\n\nor CSV: prompt,count,backend'}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void run();
              }
            }}
          />
        </label>
        <div className="estimate-drop-hint" aria-hidden="true">
          {dragging ? 'Drop to estimate this file' : 'Drop a .txt, .csv, .tsv, .json or .jsonl file anywhere on this card'}
        </div>
      </div>
      <div className="estimate-actions">
        <Button variant="primary" onClick={() => void run()} disabled={text.trim() === '' || phase === 'working'} aria-keyshortcuts="Control+Enter Meta+Enter">
          {phase === 'working' ? 'Estimating…' : 'Estimate batch'}
        </Button>
        <Button icon={<FolderIcon size={15} />} onClick={() => fileInput.current?.click()}>
          Open file…
        </Button>
        <Button variant="ghost" onClick={clear} disabled={text === '' && phase === 'idle'}>
          Clear
        </Button>
        <input
          ref={fileInput}
          type="file"
          accept={ACCEPT}
          hidden
          aria-label="Batch file to estimate"
          data-testid="estimate-file-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void readFile(file);
          }}
        />
      </div>
    </section>
  );
}
