import { useStatusStore } from '../../app/stores';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { FolderIcon, GalleryIcon } from '../../components/icons';
import { PanelHeader } from '../../components/PanelHeader';
import { plural } from '../../lib/format';
import type { PanelProps } from '../panel-props';

export function GalleryPanel({ onNavigate }: PanelProps) {
  const library = useStatusStore((s) => s.status?.library ?? null);
  return (
    <>
      <PanelHeader title="Gallery" subtitle="Your library: every image with the full recipe that made it, searchable offline." />
      <div className="panel-body">
        <EmptyState
          icon={<GalleryIcon size={34} />}
          title={library && library.assets > 0 ? `${plural(library.assets, 'image')} in this library` : 'Your library is empty'}
          actions={<Button onClick={() => onNavigate('queue')}>Go to the queue</Button>}
        >
          <p>
            Each image you generate is filed here with its prompt, negative prompt, seed, backend and cost, and stays
            searchable without a connection. Images made in AUTOMATIC1111, ComfyUI, InvokeAI and other tools can be
            imported with their metadata.
          </p>
          {library ? (
            <div className="library-card">
              <FolderIcon size={16} className="library-card-icon" />
              <div className="library-card-text">
                <span className="library-card-label">Library folder</span>
                <code className="library-card-path">{library.path}</code>
              </div>
              <span className="library-card-size">
                {plural(library.assets, 'image')} · {library.total_size_mb.toFixed(1)} MB
              </span>
            </div>
          ) : null}
          <p className="empty-state-hint">Browsing, search and import arrive with the library update.</p>
        </EmptyState>
      </div>
    </>
  );
}
