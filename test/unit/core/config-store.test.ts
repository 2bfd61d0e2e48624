import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config, defaultConfig } from '../../../shared/domain/config';
import { AppError } from '../../../shared/errors';
import { ConfigStore } from '../../../main/core/config/config-store';
import { useTempDirs } from '../../helpers/temp-library';

describe('ConfigStore', () => {
  const tempDir = useTempDirs();

  it('creates apex_config.json with the DESIGN §8 defaults on first run', () => {
    const file = join(tempDir(), 'apex_config.json');
    const config = new ConfigStore(file).get();
    expect(config).toEqual(defaultConfig());
    const onDisk: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(Config.parse(onDisk)).toEqual(defaultConfig());
    expect(Object.keys(config.backends)).toEqual(['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo']);
    expect(config.orchestrator).toMatchObject({ max_concurrent_jobs: 5, checkpoint_interval: 300, auto_retry: true });
  });

  it('refuses a bad value with its JSON path and never overwrites the file', () => {
    const file = join(tempDir(), 'apex_config.json');
    const text = JSON.stringify({ backends: { sdxl: { steps: 1000 } } });
    writeFileSync(file, text);
    const error = catchAppError(() => new ConfigStore(file).get());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details.path).toBe('$.backends.sdxl.steps');
    expect(error.message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('names an unknown key as a typo', () => {
    const file = join(tempDir(), 'apex_config.json');
    writeFileSync(file, JSON.stringify({ orchestrator: { max_concurent_jobs: 3 } }));
    const error = catchAppError(() => new ConfigStore(file).get());
    expect(error.details.path).toBe('$.orchestrator.max_concurent_jobs');
    expect(error.message).toContain('unknown key');
  });

  it('reports invalid JSON with line and column', () => {
    const file = join(tempDir(), 'apex_config.json');
    writeFileSync(file, '{\n  "budget": { "daily_usd": 5, }\n}\n');
    const error = catchAppError(() => new ConfigStore(file).get());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details.line).toBe(2);
    expect(typeof error.details.column).toBe('number');
  });

  it('fills keys an older file lacks with their defaults', () => {
    const file = join(tempDir(), 'apex_config.json');
    writeFileSync(file, JSON.stringify({ orchestrator: { max_concurrent_jobs: 2 } }));
    const config = new ConfigStore(file).get();
    expect(config.orchestrator.max_concurrent_jobs).toBe(2);
    expect(config.orchestrator.max_attempts).toBe(5);
    expect(config.backends.demo.enabled).toBe(true);
  });

  it('applies a valid patch atomically and keeps the file when a patch is invalid', () => {
    const file = join(tempDir(), 'apex_config.json');
    const store = new ConfigStore(file);
    const updated = store.update({ backends: { sdxl: { flavor: 'comfyui', base_url: 'http://127.0.0.1:8188' } }, budget: { daily_usd: 12.5 } });
    expect(updated.backends.sdxl.flavor).toBe('comfyui');
    expect(updated.backends.sdxl.steps).toBe(30);
    expect(updated.budget).toEqual({ daily_usd: 12.5, monthly_usd: null });
    const before = readFileSync(file, 'utf8');
    const error = catchAppError(() => store.update({ backends: { minimax: { base_url: 'ftp://example.com' } } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.field).toBe('backends.minimax.base_url');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('picks up an edit made on disk by another process', () => {
    const file = join(tempDir(), 'apex_config.json');
    const store = new ConfigStore(file);
    store.get();
    const edited = defaultConfig();
    edited.orchestrator.max_attempts = 9;
    writeFileSync(file, JSON.stringify(edited));
    // mtime resolution can be coarse; a different size and content is what matters here.
    expect(new ConfigStore(file).get().orchestrator.max_attempts).toBe(9);
  });
});

function catchAppError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
