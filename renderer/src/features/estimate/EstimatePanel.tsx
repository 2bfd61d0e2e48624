import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { PanelHeader } from '../../components/PanelHeader';
import type { PanelProps } from '../panel-props';
import { BatchInputCard } from './BatchInputCard';
import { EstimateResult } from './EstimateResult';
import { createEstimateStore } from './estimate.store';
import { AccuracyCard, PricesCard, SpendCard } from './SpendCards';
import { createSpendStore } from './spend.store';
import './estimate.css';

/**
 * What a batch will cost and how long it will take before anything is sent (issue 8 part 4): paste, drop
 * or open a batch and see the simulated estimate; spend so far against the caps with a chart; and how
 * right past estimates were. The stores live as long as the panel and follow the core's events.
 */
export function EstimatePanel({ onNavigate }: PanelProps) {
  const client = useApi();
  const [estimate] = useState(() => createEstimateStore(client));
  const [spend] = useState(() => createSpendStore(client));
  useEffect(() => spend.getState().start(), [spend]);

  return (
    <>
      <PanelHeader title="Estimate" subtitle="What a batch will cost and how long it will take on your cascade, before anything is sent." />
      <div className="panel-body estimate-panel">
        <div className="estimate-grid">
          <BatchInputCard store={estimate} />
          <EstimateResult store={estimate} />
        </div>
        <SpendCard store={spend} onNavigate={onNavigate} />
        <div className="estimate-grid">
          <AccuracyCard store={spend} />
          <div className="estimate-prices">
            <PricesCard store={spend} />
          </div>
        </div>
      </div>
    </>
  );
}
