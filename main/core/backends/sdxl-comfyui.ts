import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sdxlWorkflow, CHECKPOINT_NODE_ID, SAVE_NODE_ID } from './comfyui-workflow';
import { abortableSleep, basicAuthHeader, clip, httpFailure, parseProviderJson, readBody, readText, sendRequest, tryParseJson, type ProviderCall } from './http-errors';
import { imageFromBytes } from './image-bytes';
import type { SdxlPlan, SdxlServer } from './sdxl';
import { BackendError, type GeneratedImage, type GenerationResult } from './types';

/**
 * ComfyUI (research/backends.md §4b): the built-in SDXL workflow is queued with `POST /prompt`, its end
 * is found by polling `GET /history/{prompt_id}` (`{}` while pending), and the images are read with
 * `GET /view`. Validation failures come back as a 400 with `node_errors`; failures while running come
 * back as `status.status_str: "error"` in the history — both are reported with the node's own message.
 * When our call is aborted (timeout or cancel) the prompt is removed from the server's queue, or
 * interrupted if it is already running, so the GPU is not left working for nobody.
 */

export const COMFY_POLL_INTERVAL_MS = 500;
/** Cleanup after an abort gets its own short deadline: the call it belongs to is already over. */
const CLEANUP_TIMEOUT_MS = 3_000;

const PromptAccepted = z.looseObject({ prompt_id: z.string().min(1), number: z.number().optional() });
const NodeError = z.looseObject({
  type: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
  extra_info: z.looseObject({ input_name: z.string().optional() }).optional(),
});
const PromptRejected = z.looseObject({
  error: z.union([z.string(), z.looseObject({ type: z.string().optional(), message: z.string().optional(), details: z.string().optional() })]).optional(),
  // A map by node id; very old builds sent an empty list.
  node_errors: z.union([z.record(z.string(), z.looseObject({ errors: z.array(NodeError).optional(), class_type: z.string().optional() })), z.array(z.unknown())]).optional(),
});
const HistoryEntry = z.looseObject({
  outputs: z.record(z.string(), z.looseObject({ images: z.array(z.looseObject({ filename: z.string(), subfolder: z.string().optional(), type: z.string().optional() })).optional() })).optional(),
  status: z.looseObject({ status_str: z.string().optional(), completed: z.boolean().optional(), messages: z.array(z.array(z.unknown())).optional() }).optional(),
});
type HistoryEntry = z.infer<typeof HistoryEntry>;
const History = z.record(z.string(), HistoryEntry);
const ExecutionError = z.looseObject({ node_id: z.union([z.string(), z.number()]).optional(), node_type: z.string().optional(), exception_message: z.string().optional(), exception_type: z.string().optional() });
const QueueState = z.looseObject({ queue_running: z.array(z.array(z.unknown())).optional() });

/** Runtime failures that may pass when the GPU is free again. */
const OUT_OF_MEMORY = /out of memory|OutOfMemory|OOM/i;

export async function comfyGenerate(plan: SdxlPlan, server: SdxlServer, pollIntervalMs: number): Promise<GenerationResult> {
  if (plan.checkpoint === null) throw new BackendError('bad_request', 'ComfyUI needs a checkpoint: set backends.sdxl.checkpoint.');
  const workflow = sdxlWorkflow({ ...plan, checkpoint: plan.checkpoint });
  const call: ProviderCall = { provider: `the ComfyUI server at ${server.baseUrl}`, signal: server.signal };
  const headers = basicAuthHeader(server.credential);

  const queued = await sendRequest(
    `${server.baseUrl}/prompt`,
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ prompt: workflow, client_id: randomUUID() }) },
    call,
    server.fetch,
  );
  const queuedText = await readText(queued, call);
  if (!queued.ok) throw promptRejected(queued, queuedText, call);
  const { prompt_id: promptId } = parseProviderJson(queuedText, PromptAccepted, call, queued.status);

  try {
    const entry = await waitForHistory(server, promptId, call, pollIntervalMs);
    if (entry.status?.status_str === 'error') throw executionFailed(entry, call);
    const files = entry.outputs?.[SAVE_NODE_ID]?.images ?? [];
    if (files.length === 0) throw new BackendError('no_image', `${call.provider} finished the prompt without saving an image.`, { httpStatus: 200 });
    const images: GeneratedImage[] = [];
    for (const file of files.slice(0, plan.count)) images.push(await viewImage(server, file, call));
    return { images, model: plan.checkpoint, seed: plan.seed, provider_cost_usd: 0 };
  } catch (error) {
    if (server.signal.aborted) await cancelPrompt(server, promptId);
    throw error;
  }
}

/** GET /system_stats: cheap, and answers only when the server is up. */
export async function comfyHealth(server: SdxlServer): Promise<void> {
  const call: ProviderCall = { provider: `the ComfyUI server at ${server.baseUrl}`, signal: server.signal };
  const response = await sendRequest(`${server.baseUrl}/system_stats`, { method: 'GET', headers: basicAuthHeader(server.credential) }, call, server.fetch);
  const text = await readText(response, call);
  if (!response.ok) throw comfyHttpFailure(response, text, call);
}

async function waitForHistory(server: SdxlServer, promptId: string, call: ProviderCall, pollIntervalMs: number): Promise<HistoryEntry> {
  const url = `${server.baseUrl}/history/${encodeURIComponent(promptId)}`;
  for (;;) {
    const response = await sendRequest(url, { method: 'GET', headers: basicAuthHeader(server.credential) }, call, server.fetch);
    const text = await readText(response, call);
    if (!response.ok) throw comfyHttpFailure(response, text, call);
    const entry = parseProviderJson(text, History, call, response.status)[promptId];
    if (entry && isFinished(entry)) return entry;
    await abortableSleep(pollIntervalMs, call);
  }
}

function isFinished(entry: HistoryEntry): boolean {
  const status = entry.status;
  if (!status) return entry.outputs !== undefined; // builds before the status field
  return status.completed === true || status.status_str === 'success' || status.status_str === 'error';
}

async function viewImage(server: SdxlServer, file: { filename: string; subfolder?: string | undefined; type?: string | undefined }, call: ProviderCall): Promise<GeneratedImage> {
  const query = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder ?? '', type: file.type ?? 'output' });
  const response = await sendRequest(`${server.baseUrl}/view?${query.toString()}`, { method: 'GET', headers: basicAuthHeader(server.credential) }, call, server.fetch);
  if (!response.ok) {
    const text = await readText(response, call);
    if (response.status === 404) {
      throw new BackendError('no_image', `${call.provider} no longer has the output file ${file.filename}.`, { httpStatus: 404, providerMessage: clip(text) || null });
    }
    throw comfyHttpFailure(response, text, call);
  }
  return imageFromBytes(await readBody(response, call), response.headers.get('content-type'), call.provider);
}

/**
 * A 400 from /prompt: the workflow failed validation. A checkpoint the server does not have is
 * `model_gone` (take the backend out until backends.sdxl.checkpoint is fixed); anything else is
 * `bad_request` with the node's message.
 */
function promptRejected(response: Response, text: string, call: ProviderCall): BackendError {
  if (response.status !== 400) return comfyHttpFailure(response, text, call);
  const rejected = PromptRejected.safeParse(tryParseJson(text));
  if (!rejected.success) return httpFailure(response, call, clip(text) || null, 'bad_request');
  const nodeErrors = Array.isArray(rejected.data.node_errors) ? {} : (rejected.data.node_errors ?? {});
  const lines: string[] = [];
  let missingCheckpoint = false;
  for (const [nodeId, node] of Object.entries(nodeErrors)) {
    for (const error of node.errors ?? []) {
      lines.push(`${node.class_type ?? `node ${nodeId}`}: ${[error.message, error.details].filter(Boolean).join(': ')}`);
      if (nodeId === CHECKPOINT_NODE_ID && error.extra_info?.input_name === 'ckpt_name') missingCheckpoint = true;
    }
  }
  const top = rejected.data.error;
  const summary = typeof top === 'string' ? top : [top?.message, top?.details].filter(Boolean).join(': ');
  const providerMessage = clip([summary, ...lines].filter(Boolean).join(' | ')) || null;
  if (missingCheckpoint) {
    return new BackendError('model_gone', `${call.provider} does not have the checkpoint in backends.sdxl.checkpoint: set it to one the server lists.`, { httpStatus: 400, providerMessage });
  }
  return new BackendError('bad_request', `${call.provider} refused the workflow.`, { httpStatus: 400, providerMessage });
}

/** status_str "error": the execution_error message names the node and its exception. */
function executionFailed(entry: HistoryEntry, call: ProviderCall): BackendError {
  const messages = entry.status?.messages ?? [];
  const failed = messages.find((m) => m[0] === 'execution_error');
  const interrupted = messages.some((m) => m[0] === 'execution_interrupted');
  if (!failed && interrupted) return new BackendError('transient', `${call.provider} interrupted the prompt (someone pressed Cancel there?).`, { httpStatus: 200 });
  const detail = ExecutionError.safeParse(failed?.[1]).data;
  const where = detail ? `${detail.node_type ?? 'node'} (node ${String(detail.node_id ?? '?')})` : 'a node';
  const providerMessage = clip(`${where}: ${[detail?.exception_type, detail?.exception_message].filter(Boolean).join(': ') || 'execution error'}`);
  if (OUT_OF_MEMORY.test(`${detail?.exception_type ?? ''} ${detail?.exception_message ?? ''}`)) {
    return new BackendError('transient', `${call.provider} ran out of GPU memory.`, { httpStatus: 200, providerMessage });
  }
  return new BackendError('no_image', `${call.provider} failed while running the workflow, in ${where}.`, { httpStatus: 200, providerMessage });
}

function comfyHttpFailure(response: Response, text: string, call: ProviderCall): BackendError {
  if (response.status === 403) {
    return httpFailure(response, call, clip(text) || 'forbidden (ComfyUI checks the Origin header; a proxy in front of it may want a user:password)', 'auth');
  }
  if (response.status === 404) {
    return new BackendError('bad_request', `${call.provider} has no ComfyUI API here: check backends.sdxl.base_url, or set backends.sdxl.flavor to "a1111".`, {
      httpStatus: 404,
      providerMessage: clip(text) || null,
    });
  }
  return httpFailure(response, call, clip(text) || null);
}

/** Best effort: drop our prompt from the queue, or interrupt it if it is the one running. Never throws. */
async function cancelPrompt(server: SdxlServer, promptId: string): Promise<void> {
  const call: ProviderCall = { provider: 'ComfyUI cleanup', signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) };
  const headers = { 'content-type': 'application/json', ...basicAuthHeader(server.credential) };
  try {
    const queue = await sendRequest(`${server.baseUrl}/queue`, { method: 'GET', headers }, call, server.fetch);
    const running = QueueState.safeParse(tryParseJson(await readText(queue, call))).data?.queue_running ?? [];
    if (running.some((item) => item[1] === promptId)) {
      // Newer ComfyUI interrupts only the named prompt; older builds ignore the body (and ours is the one running).
      await readText(await sendRequest(`${server.baseUrl}/interrupt`, { method: 'POST', headers, body: JSON.stringify({ prompt_id: promptId }) }, call, server.fetch), call);
    } else {
      await readText(await sendRequest(`${server.baseUrl}/queue`, { method: 'POST', headers, body: JSON.stringify({ delete: [promptId] }) }, call, server.fetch), call);
    }
  } catch {
    // The server may be the reason we gave up; there is nothing more to do.
  }
}
