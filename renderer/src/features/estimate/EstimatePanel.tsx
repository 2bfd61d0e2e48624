import { useShallow } from 'zustand/react/shallow';
import { useConfigStore } from '../../app/stores';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { EstimateIcon } from '../../components/icons';
import { PanelHeader } from '../../components/PanelHeader';
import { cascadeRows, priceLabel } from '../settings/cascade';
import type { PanelProps } from '../panel-props';

export function EstimatePanel({ onNavigate }: PanelProps) {
  const { config, error, load } = useConfigStore(useShallow((s) => ({ config: s.config, error: s.error, load: s.load })));
  const rows = config ? cascadeRows(config).filter((row) => row.enabled) : [];
  return (
    <>
      <PanelHeader title="Estimate" subtitle="What a batch will cost and how long it will take on your cascade, before anything is sent." />
      <div className="panel-body">
        <EmptyState
          icon={<EstimateIcon size={34} />}
          title="No batch to estimate yet"
          actions={<Button onClick={() => onNavigate('settings')}>See the full cascade</Button>}
        >
          <p>
            Paste or drop a batch of prompts and Estimate adds up the price per image of the backends that will take
            them, and a time learned from your own past runs, so you can set a budget before you spend.
          </p>
          {error ? <ErrorNotice title="Could not read the price table" error={error} onRetry={() => void load()} /> : null}
          {rows.length > 0 ? (
            <table className="data-table is-compact" aria-label="Price per image">
              <caption className="data-table-caption">Price per image today, in cascade order</caption>
              <thead>
                <tr>
                  <th scope="col">Backend</th>
                  <th scope="col">Model</th>
                  <th scope="col" className="is-numeric">
                    Per image
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td>{row.label}</td>
                    <td className="is-mono">{row.model}</td>
                    <td className="is-numeric">{priceLabel(row)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </EmptyState>
      </div>
    </>
  );
}
