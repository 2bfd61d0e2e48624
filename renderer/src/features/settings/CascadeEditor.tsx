import { useState, type DragEvent } from 'react';
import type { BackendId, Config } from '../../../../shared/domain/config';
import { Button } from '../../components/Button';
import { BACKEND_LABELS, usd } from '../../lib/format';
import { BackendFields } from './BackendFields';
import { cascadeOrder, type EditorAction, type FieldPath } from './settings-draft';

/** What the row says about the model a backend will be asked for. */
function modelSummary(id: BackendId, config: Config): string {
  const b = config.backends;
  switch (id) {
    case 'nano_banana':
      return b.nano_banana.model;
    case 'imagen':
      return b.imagen.model;
    case 'minimax':
      return b.minimax.model;
    case 'sdxl':
      return `${b.sdxl.checkpoint ?? 'server’s checkpoint'} · ${b.sdxl.flavor === 'a1111' ? 'A1111/Forge' : 'ComfyUI'}`;
    case 'demo':
      return 'procedural placeholder (not AI)';
  }
}

function priceSummary(id: BackendId, config: Config, tablePrice: number | null): string {
  if (id === 'demo') return 'Free';
  const own = config.backends[id].cost_per_image;
  if (own !== null) return `${usd(own)} (yours)`;
  if (tablePrice === 0) return 'Free';
  return tablePrice === null ? 'Price table' : `${usd(tablePrice)} (table)`;
}

const DRAG_TYPE = 'application/x-apex-backend';

/**
 * The cascade in the order it is tried. Rows reorder by drag and drop (native HTML5) and, for keyboard and
 * screen-reader users, by "Move up"/"Move down" buttons; each row expands to its settings.
 */
export function CascadeEditor({
  draft,
  errors,
  dispatch,
  tablePrices,
}: {
  draft: Config;
  errors: Record<string, string>;
  dispatch(action: EditorAction): void;
  tablePrices: Partial<Record<BackendId, number>>;
}) {
  const order = cascadeOrder(draft);
  const [expanded, setExpanded] = useState<BackendId | null>(null);
  const [dragging, setDragging] = useState<BackendId | null>(null);
  const [dropIndex, setDropIndex] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const set = (path: FieldPath, value: unknown) => dispatch({ type: 'set', path, value });

  const move = (id: BackendId, delta: number) => {
    const from = order.indexOf(id);
    const to = Math.max(0, Math.min(order.length - 1, from + delta));
    if (to === from) return;
    dispatch({ type: 'move', id, delta });
    setAnnouncement(`${BACKEND_LABELS[id]} moved to position ${to + 1} of ${order.length}.`);
  };

  const onDrop = (event: DragEvent, index: number) => {
    event.preventDefault();
    const id = event.dataTransfer.getData(DRAG_TYPE) as BackendId | '';
    setDragging(null);
    setDropIndex(null);
    if (!id || !order.includes(id)) return;
    dispatch({ type: 'reorder', id, toIndex: index });
    setAnnouncement(`${BACKEND_LABELS[id]} moved to position ${index + 1} of ${order.length}.`);
  };

  return (
    <>
      <ol className="cascade-list" aria-label="Backend cascade, in the order backends are tried">
        {order.map((id, index) => {
          const backend = draft.backends[id];
          const open = expanded === id;
          const rowErrors = Object.keys(errors).filter((key) => key.startsWith(`backends.${id}.`)).length;
          const classes = ['cascade-row', backend.enabled ? null : 'is-disabled', dragging === id ? 'is-dragging' : null, dropIndex === index && dragging !== id ? 'is-drop-target' : null]
            .filter(Boolean)
            .join(' ');
          return (
            <li
              key={id}
              className={classes}
              data-backend={id}
              aria-label={`${index + 1}. ${BACKEND_LABELS[id]}`}
              onDragOver={(event) => {
                if (!dragging) return;
                event.preventDefault();
                event.dataTransfer.dropEffect = 'move';
                setDropIndex(index);
              }}
              onDrop={(event) => onDrop(event, index)}
            >
              <div
                className="cascade-row-main"
                draggable
                onDragStart={(event) => {
                  event.dataTransfer.setData(DRAG_TYPE, id);
                  event.dataTransfer.effectAllowed = 'move';
                  setDragging(id);
                }}
                onDragEnd={() => {
                  setDragging(null);
                  setDropIndex(null);
                }}
              >
                <span className="cascade-grip" aria-hidden="true" title="Drag to reorder">
                  ⋮⋮
                </span>
                <span className="cascade-position">{index + 1}</span>
                <span className="cascade-name">
                  <strong>{BACKEND_LABELS[id]}</strong>
                  <span className="cascade-model">{modelSummary(id, draft)}</span>
                </span>
                <span className="cascade-price">{priceSummary(id, draft, tablePrices[id] ?? null)}</span>
                <label className="cascade-enabled">
                  <input
                    type="checkbox"
                    role="switch"
                    aria-label={`Use ${BACKEND_LABELS[id]}`}
                    checked={backend.enabled}
                    onChange={(event) => set(['backends', id, 'enabled'], event.target.checked)}
                  />
                  <span aria-hidden="true">{backend.enabled ? 'Enabled' : 'Disabled'}</span>
                </label>
                <span className="cascade-actions">
                  <Button size="small" variant="ghost" aria-label={`Move ${BACKEND_LABELS[id]} up`} disabled={index === 0} onClick={() => move(id, -1)}>
                    ↑
                  </Button>
                  <Button size="small" variant="ghost" aria-label={`Move ${BACKEND_LABELS[id]} down`} disabled={index === order.length - 1} onClick={() => move(id, 1)}>
                    ↓
                  </Button>
                  <Button size="small" aria-expanded={open} aria-controls={`backend-fields-${id}`} aria-label={`${open ? 'Hide' : 'Edit'} ${BACKEND_LABELS[id]} settings`} onClick={() => setExpanded(open ? null : id)}>
                    {open ? 'Hide' : 'Edit'}
                    {rowErrors > 0 ? <span className="cascade-error-count"> ({rowErrors} to fix)</span> : null}
                  </Button>
                </span>
              </div>
              {open ? (
                <div className="cascade-fields" id={`backend-fields-${id}`} role="group" aria-label={`${BACKEND_LABELS[id]} settings`}>
                  <BackendFields id={id} draft={draft} errors={errors} set={set} tablePrice={tablePrices[id] ?? null} />
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </>
  );
}
