import { useEffect, useMemo, useRef, useState } from 'react';
import type { PanelId } from '../../app/navigation';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { copyText } from './clipboard';
import { DetailSection, FieldList } from './FieldList';
import { GenerateSection } from './GenerateSection';
import { OrganiseSection } from './OrganiseSection';
import { costRows, embeddedView, fileRows, generationRows } from './provenance';
import { recipeOf } from './regenerate';
import { useAssetDetail } from './use-asset-detail';
import { ZoomableImage, type ZoomControls } from './ZoomableImage';
import './asset-detail.css';

export interface AssetDetailProps {
  assetId: number;
  /** The ids the viewer steps through with ←/→ (the gallery's current order). */
  ids?: readonly number[];
  /** Called with the id shown next when the artist steps with ←/→ or the buttons. */
  onMove?(id: number): void;
  onClose(): void;
  onNavigate(panel: PanelId): void;
}

function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches('input, textarea, select'));
}

/**
 * One image, full size, with everything the library knows about it: the zoomable original on the left;
 * prompt, generation, cost and time, file, organisation and embedded metadata on the right; and
 * "Generate again" / "Variations" to queue more like it. A modal <dialog>: Escape closes it.
 */
export function AssetDetail({ assetId, ids, onMove, onClose, onNavigate }: AssetDetailProps) {
  const client = useApi();
  // The shown image follows the prop, and moves on its own when there is no onMove to report to.
  const [shownId, setShownId] = useState(assetId);
  const [propId, setPropId] = useState(assetId);
  if (propId !== assetId) {
    setPropId(assetId);
    setShownId(assetId);
  }
  const { state, reload } = useAssetDetail(client, shownId);
  const asset = state.id === shownId ? state.asset : null;
  const loadError = state.id === shownId ? state.error : null;
  const zoom = useRef<ZoomControls>(null);
  const body = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<{ id: number; error: ErrorInfo | null } | null>(null);

  const index = ids ? ids.indexOf(shownId) : -1;
  const previousId = ids && index > 0 ? (ids[index - 1] ?? null) : null;
  const nextId = ids && index >= 0 && index < ids.length - 1 ? (ids[index + 1] ?? null) : null;

  const move = (id: number | null) => {
    if (id === null) return;
    setShownId(id);
    onMove?.(id);
  };

  // Keys while the dialog is open. Capture phase on window: the app's own shortcuts (1–5 switch panels)
  // listen on window too and honour defaultPrevented, so "1" here means 100%, not "go to the Queue".
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const dialog = body.current?.closest('dialog');
      // The body counts too: it holds focus when the focused control went away (a form that closed).
      if (!dialog?.open || !(event.target instanceof Node) || (!dialog.contains(event.target) && event.target !== document.body)) return;
      if (event.ctrlKey || event.metaKey || event.altKey || isEditable(event.target)) return;
      const controls = zoom.current;
      let handled = true;
      switch (event.key) {
        case '+':
        case '=':
          controls?.zoomIn();
          break;
        case '-':
        case '_':
          controls?.zoomOut();
          break;
        case '0':
          controls?.fit();
          break;
        case '1':
          controls?.actualSize();
          break;
        case 'ArrowLeft':
          if (previousId !== null) {
            setShownId(previousId);
            onMove?.(previousId);
          }
          break;
        case 'ArrowRight':
          if (nextId !== null) {
            setShownId(nextId);
            onMove?.(nextId);
          }
          break;
        default:
          handled = false;
      }
      if (handled) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
    // onMove is usually a fresh arrow each render: re-subscribing is one listener swap, cheaper than a stale id.
  }, [previousId, nextId, onMove]);

  const recipe = useMemo(() => (asset ? recipeOf(asset) : null), [asset]);
  const generation = useMemo(() => (asset ? generationRows(asset, state.job) : []), [asset, state.job]);
  const cost = useMemo(() => (asset ? costRows(asset, state.job) : []), [asset, state.job]);
  const file = useMemo(() => (asset ? fileRows(asset) : []), [asset]);
  const embedded = useMemo(() => (asset ? asset.embedded.map(embeddedView) : []), [asset]);

  const copyPrompt = async () => {
    if (!asset?.prompt) return;
    try {
      await copyText(asset.prompt, body.current);
      setCopied({ id: asset.id, error: null });
    } catch (error) {
      setCopied({ id: asset.id, error: toErrorInfo(error) });
    }
  };

  const position = ids && index >= 0 ? `${(index + 1).toLocaleString('en-US')} of ${ids.length.toLocaleString('en-US')}` : null;
  const goToQueue = () => {
    onClose();
    onNavigate('queue');
  };

  return (
    <Dialog
      open
      size="full"
      className="asset-detail-dialog"
      title={`Image ${shownId}`}
      description={asset ? [asset.file_name, `${asset.width} × ${asset.height}`, position].filter(Boolean).join(' · ') : (position ?? undefined)}
      onClose={onClose}
      footer={
        <>
          <Button size="small" aria-label="Previous image" title="Previous image (←)" disabled={previousId === null} onClick={() => move(previousId)}>
            ← Previous
          </Button>
          <Button size="small" aria-label="Next image" title="Next image (→)" disabled={nextId === null} onClick={() => move(nextId)}>
            Next →
          </Button>
          <span className="asset-detail-footer-gap" />
          <Button onClick={onClose}>Close</Button>
        </>
      }
    >
      <div ref={body} className="asset-detail-layout">
        <ZoomableImage assetId={shownId} alt={asset?.prompt ?? asset?.file_name ?? `Image ${shownId}`} controls={zoom} />
        <aside className="asset-detail-side" aria-label="Image details" aria-busy={asset === null && loadError === null}>
          {loadError ? (
            <ErrorNotice title={`Could not load the details of image ${shownId}`} error={loadError} onRetry={reload} />
          ) : asset === null ? (
            <p className="asset-detail-muted">Loading the details…</p>
          ) : (
            <>
              <DetailSection
                id="prompt"
                title="Prompt"
                actions={
                  asset.prompt ? (
                    <Button size="small" onClick={() => void copyPrompt()}>
                      Copy prompt
                    </Button>
                  ) : null
                }
              >
                {asset.prompt ? <p className="asset-detail-prompt">{asset.prompt}</p> : <p className="asset-detail-muted">No prompt was recorded for this image.</p>}
                <div role="status" className="asset-detail-copy-status">
                  {copied?.id === asset.id && copied.error === null ? 'Prompt copied to the clipboard.' : null}
                </div>
                {copied?.id === asset.id && copied.error ? <ErrorNotice title="Could not copy the prompt" error={copied.error} /> : null}
              </DetailSection>

              {asset.negative_prompt ? (
                <DetailSection id="negative" title="Negative prompt">
                  <p className="asset-detail-prompt">{asset.negative_prompt}</p>
                </DetailSection>
              ) : null}

              {recipe ? <GenerateSection key={asset.id} client={client} recipe={recipe} onNavigate={onNavigate} onClose={onClose} /> : null}

              <DetailSection id="generation" title="Generation">
                <FieldList rows={generation} />
                {asset.job_id !== null ? (
                  <p className="asset-detail-links">
                    <span>
                      Job {asset.job_id}
                      {asset.batch_id !== null ? `, batch ${asset.batch_id}` : ''}
                      {state.job ? ` (${state.job.job.status})` : ''}
                    </span>
                    <Button size="small" variant="ghost" onClick={goToQueue}>
                      Show in the Queue
                    </Button>
                  </p>
                ) : null}
                {state.jobError ? <ErrorNotice title={`Could not read job ${asset.job_id ?? ''}`} error={state.jobError} onRetry={reload} /> : null}
              </DetailSection>

              {cost.length > 0 ? (
                <DetailSection id="cost" title="Cost & time">
                  <FieldList rows={cost} />
                </DetailSection>
              ) : null}

              <DetailSection id="file" title="File">
                <FieldList rows={file} />
              </DetailSection>

              <OrganiseSection client={client} asset={asset} onChanged={reload} />

              {embedded.length > 0 ? (
                <DetailSection id="embedded" title="Embedded metadata">
                  <p className="asset-detail-muted">What the file itself carries, as the tool that made it wrote it.</p>
                  {embedded.map((entry) => (
                    <details key={entry.source} className="asset-detail-embedded">
                      <summary>
                        {entry.label}
                        {entry.cut > 0 ? ` (first ${(entry.body.length).toLocaleString('en-US')} characters)` : ''}
                      </summary>
                      {entry.settings.length > 0 ? <FieldList rows={entry.settings} /> : null}
                      <pre className="asset-detail-pre" tabIndex={0} aria-label={`${entry.label}, verbatim`}>
                        {entry.body}
                      </pre>
                      {entry.cut > 0 ? <p className="asset-detail-muted">{entry.cut.toLocaleString('en-US')} more characters are in the file.</p> : null}
                    </details>
                  ))}
                </DetailSection>
              ) : null}
            </>
          )}
        </aside>
      </div>
    </Dialog>
  );
}
