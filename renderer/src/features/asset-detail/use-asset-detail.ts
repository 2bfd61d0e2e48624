import { useCallback, useEffect, useState } from 'react';
import type { ApexClient } from '../../../../shared/client';
import type { AssetDetail } from '../../../../shared/domain/assets';
import type { JobDetail } from '../../../../shared/domain/jobs';
import { AppError } from '../../../../shared/errors';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

export interface AssetDetailState {
  /** The id the data below belongs to (the view may already show another one loading). */
  id: number;
  asset: AssetDetail | null;
  /** The job that made the image, for its routing, attempts and total cost; null for imported images. */
  job: JobDetail | null;
  error: ErrorInfo | null;
  /** The job could not be read (the image itself could): shown next to the job's rows. */
  jobError: ErrorInfo | null;
}

/**
 * One asset's detail (`assets.get`) and, for a generated image, its job (`jobs.get`), reloaded when
 * `assets.changed` names the asset (a rating set in another window, a tag renamed) or after an edit here.
 */
export function useAssetDetail(client: ApexClient, id: number): { state: AssetDetailState; reload(): void } {
  const [state, setState] = useState<AssetDetailState>({ id, asset: null, job: null, error: null, jobError: null });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((value) => value + 1), []);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const asset = await client.call('assets.get', { id });
        let job: JobDetail | null = null;
        let jobError: ErrorInfo | null = null;
        if (asset.job_id !== null) {
          try {
            job = await client.call('jobs.get', { id: asset.job_id });
          } catch (error) {
            // A job pruned from the queue's history is not an error: the image keeps its own provenance.
            if (!(error instanceof AppError && error.code === 'NOT_FOUND')) jobError = toErrorInfo(error);
          }
        }
        if (live) setState({ id, asset, job, error: null, jobError });
      } catch (error) {
        if (live) setState({ id, asset: null, job: null, error: toErrorInfo(error), jobError: null });
      }
    })();
    return () => {
      live = false;
    };
  }, [client, id, round]);

  useEffect(
    () =>
      client.on('assets.changed', (payload) => {
        if (payload.all || payload.ids.includes(id)) reload();
      }),
    [client, id, reload],
  );

  return { state, reload };
}
