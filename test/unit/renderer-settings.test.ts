import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/client';
import type { Transport } from '../../shared/transport';
import type { EventMessage } from '../../shared/wire';
import { createConfigStore } from '../../renderer/src/features/settings/config.store';
import { defaultConfig, type Config } from '../../shared/domain/config';
import { AppError } from '../../shared/errors';
import {
  applyOrder,
  buildPatch,
  cascadeOrder,
  changeCount,
  changedElsewhere,
  editorReducer,
  initialEditorState,
  isDirty,
  numberFromInput,
  serverFieldError,
  validateDraft,
  type EditorAction,
  type EditorState,
} from '../../renderer/src/features/settings/settings-draft';
import { libraryPathProblem } from '../../renderer/src/features/settings/LibraryCard';
import { keySourceLabel } from '../../renderer/src/features/settings/KeysCard';

function run(state: EditorState, ...actions: EditorAction[]): EditorState {
  return actions.reduce(editorReducer, state);
}

describe('settings editor view-model', () => {
  it('orders the cascade by priority and moves a backend up and down by keyboard', () => {
    const start = initialEditorState(defaultConfig());
    expect(cascadeOrder(start.draft)).toEqual(['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo']);

    const up = run(start, { type: 'move', id: 'minimax', delta: -1 });
    expect(cascadeOrder(up.draft)).toEqual(['nano_banana', 'minimax', 'imagen', 'sdxl', 'demo']);
    // Only the two backends that swapped get new numbers; demo keeps its distant 9.
    expect(buildPatch(up.base, up.draft)).toEqual({ backends: { minimax: { priority: 2 }, imagen: { priority: 3 } } });

    // Moving past either end stays in place.
    const top = run(start, { type: 'move', id: 'nano_banana', delta: -1 });
    expect(cascadeOrder(top.draft)).toEqual(cascadeOrder(start.draft));
    expect(isDirty(top)).toBe(false);

    const down = run(start, { type: 'move', id: 'nano_banana', delta: 1 }, { type: 'move', id: 'nano_banana', delta: 1 });
    expect(cascadeOrder(down.draft)).toEqual(['imagen', 'minimax', 'nano_banana', 'sdxl', 'demo']);
  });

  it('reorders by drag and drop to any position, and the result always validates', () => {
    const start = initialEditorState(defaultConfig());
    const dragged = run(start, { type: 'reorder', id: 'demo', toIndex: 0 });
    expect(cascadeOrder(dragged.draft)).toEqual(['demo', 'nano_banana', 'imagen', 'minimax', 'sdxl']);
    expect(validateDraft(dragged.draft)).toEqual({});
    const back = run(dragged, { type: 'reorder', id: 'demo', toIndex: 4 });
    expect(cascadeOrder(back.draft)).toEqual(['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo']);
  });

  it('renumbers when tied priorities near the top of the range would pass 99', () => {
    const config = defaultConfig();
    const crowded: Config = {
      ...config,
      backends: {
        ...config.backends,
        nano_banana: { ...config.backends.nano_banana, priority: 98 },
        imagen: { ...config.backends.imagen, priority: 98 },
        minimax: { ...config.backends.minimax, priority: 99 },
        sdxl: { ...config.backends.sdxl, priority: 99 },
        demo: { ...config.backends.demo, priority: 99 },
      },
    };
    const reordered = applyOrder(crowded, ['demo', 'sdxl', 'minimax', 'imagen', 'nano_banana']);
    expect(cascadeOrder(reordered)).toEqual(['demo', 'sdxl', 'minimax', 'imagen', 'nano_banana']);
    expect(validateDraft(reordered)).toEqual({});
    expect(reordered.backends.demo.priority).toBe(1);
  });

  it('tracks unsaved changes, builds a patch of only what changed, and reverts', () => {
    const start = initialEditorState(defaultConfig());
    const edited = run(
      start,
      { type: 'set', path: ['backends', 'minimax', 'enabled'], value: false },
      { type: 'set', path: ['budget', 'daily_usd'], value: 5 },
      { type: 'set', path: ['orchestrator', 'max_attempts'], value: 3 },
    );
    expect(isDirty(edited)).toBe(true);
    expect(changeCount(edited)).toBe(3);
    expect(buildPatch(edited.base, edited.draft)).toEqual({
      backends: { minimax: { enabled: false } },
      orchestrator: { max_attempts: 3 },
      budget: { daily_usd: 5 },
    });

    // Setting a field back to its saved value is no change at all.
    const undone = run(edited, { type: 'set', path: ['budget', 'daily_usd'], value: null });
    expect(changeCount(undone)).toBe(2);

    const reverted = run(edited, { type: 'revert' });
    expect(isDirty(reverted)).toBe(false);
    expect(reverted.draft).toEqual(start.base);
  });

  it('follows the core while clean, keeps edits while dirty, and reports changes made elsewhere', () => {
    const start = initialEditorState(defaultConfig());
    const fromCli: Config = { ...start.base, orchestrator: { ...start.base.orchestrator, max_concurrent_jobs: 9 } };
    expect(run(start, { type: 'remote', config: fromCli }).draft.orchestrator.max_concurrent_jobs).toBe(9);

    const edited = run(start, { type: 'set', path: ['budget', 'monthly_usd'], value: 50 });
    const meanwhile = run(edited, { type: 'remote', config: fromCli });
    expect(meanwhile.draft.budget.monthly_usd).toBe(50);
    expect(changedElsewhere(meanwhile)).toBe(true);
    // The patch still carries only the artist's own change, so the CLI's edit survives the save.
    expect(buildPatch(meanwhile.base, meanwhile.draft)).toEqual({ budget: { monthly_usd: 50 } });
    // Revert goes to what the core has now.
    expect(run(meanwhile, { type: 'revert' }).draft.orchestrator.max_concurrent_jobs).toBe(9);

    const saved = run(meanwhile, { type: 'saved', config: { ...fromCli, budget: { ...fromCli.budget, monthly_usd: 50 } } });
    expect(isDirty(saved)).toBe(false);
    expect(changedElsewhere(saved)).toBe(false);
  });

  it('validates the draft with the contract schema, naming each field', () => {
    const start = initialEditorState(defaultConfig());
    const bad = run(
      start,
      { type: 'set', path: ['backends', 'sdxl', 'steps'], value: 500 },
      { type: 'set', path: ['orchestrator', 'max_attempts'], value: numberFromInput('', false) },
      { type: 'set', path: ['backends', 'nano_banana', 'base_url'], value: 'ftp://example.com' },
      { type: 'set', path: ['budget', 'daily_usd'], value: numberFromInput('', true) },
    );
    const errors = validateDraft(bad.draft);
    expect(Object.keys(errors).sort()).toEqual(['backends.nano_banana.base_url', 'backends.sdxl.steps', 'orchestrator.max_attempts']);
    expect(errors['orchestrator.max_attempts']).toBe('enter a number');
    expect(errors['backends.nano_banana.base_url']).toMatch(/http/);
    expect(errors['backends.sdxl.steps']).toBe('at most 150');
    expect(bad.draft.budget.daily_usd).toBeNull();
    expect(validateDraft(run(start, { type: 'set', path: ['orchestrator', 'max_attempts'], value: 2.5 }).draft)).toEqual({ 'orchestrator.max_attempts': 'a whole number' });
  });

  it('shows the core’s refusal next to its field until that field is edited', () => {
    const start = initialEditorState(defaultConfig());
    const refusal = serverFieldError(new AppError('INVALID_INPUT', 'Invalid settings: backends.sdxl.base_url: must be an http:// or https:// URL', { field: 'backends.sdxl.base_url', reason: 'must be an http:// or https:// URL' }));
    expect(refusal).toEqual({ field: 'backends.sdxl.base_url', reason: 'must be an http:// or https:// URL' });
    const failed = run(start, { type: 'save-failed', field: refusal?.field ?? null, reason: refusal?.reason ?? '' });
    expect(failed.serverErrors).toEqual({ 'backends.sdxl.base_url': 'must be an http:// or https:// URL' });
    const fixed = run(failed, { type: 'set', path: ['backends', 'sdxl', 'base_url'], value: 'http://127.0.0.1:7861' });
    expect(fixed.serverErrors).toEqual({});
    expect(serverFieldError(new AppError('BUSY', 'busy'))).toBeNull();
  });

  it('reads number inputs: empty is null for optional fields, text that is not a number is NaN', () => {
    expect(numberFromInput(' 12.5 ', false)).toBe(12.5);
    expect(numberFromInput('', true)).toBeNull();
    expect(numberFromInput('', false)).toBeNaN();
    expect(numberFromInput('abc', true)).toBeNaN();
  });
});

describe('settings panel helpers', () => {
  it('checks a typed library path before sending it', () => {
    expect(libraryPathProblem('')).toMatch(/full path/);
    expect(libraryPathProblem('pictures/lib')).toMatch(/full path/);
    expect(libraryPathProblem('/home/me/lib')).toBeNull();
    expect(libraryPathProblem('~/lib')).toBeNull();
    expect(libraryPathProblem('C:\\Users\\me\\lib')).toBeNull();
    expect(libraryPathProblem(`/${'a'.repeat(5000)}`)).toMatch(/longer/);
  });

  it('says where a key comes from without ever showing it', () => {
    const base = { backend: 'minimax' as const, required: true, env_var: null };
    expect(keySourceLabel({ ...base, set: false, source: null })).toBe('Not set');
    expect(keySourceLabel({ ...base, set: false, source: null, required: false })).toBe('Not set (optional)');
    expect(keySourceLabel({ ...base, set: true, source: 'keychain' })).toBe('Set in keychain');
    expect(keySourceLabel({ ...base, set: true, source: 'session' })).toBe('Set for this session only');
    expect(keySourceLabel({ ...base, set: true, source: 'env', env_var: 'APEX_MINIMAX_API_KEY' })).toBe('Set by environment variable APEX_MINIMAX_API_KEY');
  });
});

describe('library switch in the renderer', () => {
  it('reloads the page state when the core says the library changed, and stops listening when stopped', async () => {
    const listeners = new Set<(message: EventMessage) => void>();
    const transport: Transport = {
      request: (request) => Promise.resolve({ ok: true, value: request.method === 'config.get' ? defaultConfig() : null }),
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const reload = vi.fn();
    const store = createConfigStore(createClient(transport, { validate: true }), { onLibraryChanged: reload });
    const stop = store.getState().start();
    await vi.waitFor(() => expect(store.getState().phase).toBe('ready'));
    for (const listener of listeners) listener({ name: 'library.changed', payload: { path: '/new', previous: '/old' } });
    expect(reload).toHaveBeenCalledTimes(1);
    stop();
    expect(listeners.size).toBe(0);
  });
});
