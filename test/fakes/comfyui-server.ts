import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fakeImage } from './fake-images';
import { exposeState, startScriptedServer, type FakeAnswer, type RecordedRequest, type ScriptedServer } from './scripted-server';

/**
 * A loopback fake of ComfyUI's HTTP API (research/backends.md §4b):
 *   POST /prompt {prompt: <API workflow>, client_id} → {prompt_id, number, node_errors: {}}, or 400 with
 *        `error` + `node_errors` when the workflow fails validation (unknown checkpoint, sampler, link…)
 *   GET  /history/{id} → {} while the prompt runs (`runMs`), then outputs + status (success or error)
 *   GET  /view?filename=&subfolder=&type=output → the PNG SaveImage wrote
 *   GET  /queue, POST /queue {delete}, POST /interrupt, GET /system_stats, GET /object_info/CheckpointLoaderSimple
 * `failNextRun` makes the next prompt fail while running (`status_str: "error"` with execution_error).
 */

export interface ExecutionFailure {
  node_id: string;
  node_type: string;
  exception_message: string;
  exception_type: string;
}

export interface ComfyFake extends ScriptedServer {
  checkpoints: string[];
  /** How long a prompt "runs" before its history appears. */
  runMs: number;
  failNextRun: ExecutionFailure | null;
  /** Prompt ids removed with POST /queue {delete} and interrupted with POST /interrupt. */
  deleted: string[];
  interrupted: string[];
}

const SAMPLERS = ['euler', 'euler_ancestral', 'heun', 'dpm_2', 'dpm_2_ancestral', 'lms', 'dpm_fast', 'dpm_adaptive', 'dpmpp_2s_ancestral', 'dpmpp_sde', 'dpmpp_2m', 'dpmpp_2m_sde', 'dpmpp_3m_sde', 'ddim', 'uni_pc', 'lcm', 'ipndm'];
const SCHEDULERS = ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta'];
type Link = [string, number];
const LinkSchema = z.tuple([z.string(), z.number().int()]);
/** Required inputs per node class of the built-in workflow, with their types. */
const NODE_INPUTS: Record<string, z.ZodType> = {
  CheckpointLoaderSimple: z.strictObject({ ckpt_name: z.string() }),
  EmptyLatentImage: z.strictObject({ width: z.number().int().min(16).max(16384), height: z.number().int().min(16).max(16384), batch_size: z.number().int().min(1).max(4096) }),
  CLIPTextEncode: z.strictObject({ text: z.string(), clip: LinkSchema }),
  KSampler: z.strictObject({
    model: LinkSchema,
    positive: LinkSchema,
    negative: LinkSchema,
    latent_image: LinkSchema,
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), // ComfyUI allows up to 2^64-1; JSON numbers stop here
    steps: z.number().int().min(1).max(10000),
    cfg: z.number().min(0).max(100),
    sampler_name: z.string(),
    scheduler: z.string(),
    denoise: z.number().min(0).max(1),
  }),
  VAEDecode: z.strictObject({ samples: LinkSchema, vae: LinkSchema }),
  SaveImage: z.strictObject({ images: LinkSchema, filename_prefix: z.string() }),
};
const PromptBody = z.looseObject({ prompt: z.record(z.string(), z.looseObject({ class_type: z.string(), inputs: z.record(z.string(), z.unknown()) })), client_id: z.string().optional() });

interface PromptRun {
  id: string;
  number: number;
  workflow: Record<string, { class_type: string; inputs: Record<string, unknown> }>;
  doneAt: number;
  failure: ExecutionFailure | null;
  interrupted: boolean;
  outputs: Array<{ filename: string; subfolder: string; type: 'output' }>;
}

export async function startComfyFake(options: { checkpoints?: string[]; runMs?: number } = {}): Promise<ComfyFake> {
  const state = {
    checkpoints: options.checkpoints ?? ['sd_xl_base_1.0.safetensors', 'juggernautXL_v9.safetensors'],
    runMs: options.runMs ?? 30,
    failNextRun: null as ExecutionFailure | null,
    deleted: [] as string[],
    interrupted: [] as string[],
  };
  const runs = new Map<string, PromptRun>();
  const files = new Map<string, Buffer>();
  let counter = 0;

  async function answer(request: RecordedRequest): Promise<FakeAnswer> {
    const path = request.path.replace(/^\/api(?=\/)/, '');
    if (path === '/prompt' && request.method === 'POST') return queuePrompt(request);
    const history = /^\/history\/([^/]+)$/.exec(path);
    if (history && request.method === 'GET') return historyOf(decodeURIComponent(history[1]!));
    if (path === '/view' && request.method === 'GET') {
      const bytes = request.query.type === 'output' ? files.get(`${request.query.subfolder ?? ''}/${request.query.filename ?? ''}`) : undefined;
      return bytes ? { status: 200, headers: { 'content-type': 'image/png' }, raw: bytes } : { status: 404, raw: '' };
    }
    if (path === '/queue' && request.method === 'GET') {
      const now = Date.now();
      const running = [...runs.values()].filter((r) => r.doneAt > now && !r.interrupted).map((r) => [r.number, r.id, r.workflow, {}, ['9']]);
      return { status: 200, json: { queue_running: running.slice(0, 1), queue_pending: running.slice(1) } };
    }
    if (path === '/queue' && request.method === 'POST') {
      const ids = z.looseObject({ delete: z.array(z.string()).optional() }).safeParse(request.body).data?.delete ?? [];
      for (const id of ids) {
        state.deleted.push(id);
        runs.delete(id);
      }
      return { status: 200, raw: '' };
    }
    if (path === '/interrupt' && request.method === 'POST') {
      const target = z.looseObject({ prompt_id: z.string().optional() }).safeParse(request.body).data?.prompt_id;
      for (const run of runs.values()) {
        if (run.doneAt > Date.now() && (target === undefined || target === run.id)) {
          run.interrupted = true;
          run.doneAt = Date.now();
          state.interrupted.push(run.id);
        }
      }
      return { status: 200, raw: '' };
    }
    if (path === '/system_stats' && request.method === 'GET') {
      return {
        status: 200,
        json: {
          system: { os: 'posix', ram_total: 68719476736, ram_free: 40000000000, comfyui_version: '0.3.60', python_version: '3.12.3', pytorch_version: '2.8.0+cu128', embedded_python: false, argv: ['main.py'] },
          devices: [{ name: 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync', type: 'cuda', index: 0, vram_total: 25393692672, vram_free: 24000000000, torch_vram_total: 0, torch_vram_free: 0 }],
        },
      };
    }
    if (path === '/object_info/CheckpointLoaderSimple' && request.method === 'GET') {
      return { status: 200, json: { CheckpointLoaderSimple: { input: { required: { ckpt_name: [state.checkpoints, { tooltip: 'The name of the checkpoint (model) to load.' }] } }, output: ['MODEL', 'CLIP', 'VAE'], name: 'CheckpointLoaderSimple' } } };
    }
    return { status: 404, raw: '404: Not Found', headers: { 'content-type': 'text/plain' } };
  }

  async function queuePrompt(request: RecordedRequest): Promise<FakeAnswer> {
    const parsed = PromptBody.safeParse(request.body);
    if (!parsed.success) return { status: 400, json: { error: { type: 'invalid_prompt', message: 'Cannot execute because a node is missing the class_type property.', details: parsed.error.issues[0]?.message ?? '', extra_info: {} }, node_errors: [] } };
    const workflow = parsed.data.prompt;
    const nodeErrors: Record<string, { errors: unknown[]; dependent_outputs: string[]; class_type: string }> = {};
    const outputs = Object.entries(workflow).filter(([, node]) => node.class_type === 'SaveImage').map(([id]) => id);
    if (outputs.length === 0) return { status: 400, json: { error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} }, node_errors: [] } };
    for (const [id, node] of Object.entries(workflow)) {
      const errors = validateNode(node, workflow, state.checkpoints);
      if (errors.length > 0) nodeErrors[id] = { errors, dependent_outputs: outputs, class_type: node.class_type };
    }
    if (Object.keys(nodeErrors).length > 0) {
      return { status: 400, json: { error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} }, node_errors: nodeErrors } };
    }
    const id = randomUUID();
    counter += 1;
    const latent = Object.values(workflow).find((n) => n.class_type === 'EmptyLatentImage');
    const batch = Number(latent?.inputs.batch_size ?? 1);
    const save = workflow[outputs[0]!]!;
    const sampler = Object.values(workflow).find((n) => n.class_type === 'KSampler');
    const prompt = String(Object.values(workflow).find((n) => n.class_type === 'CLIPTextEncode')?.inputs.text ?? '');
    const run: PromptRun = { id, number: counter, workflow, doneAt: Date.now() + state.runMs, failure: state.failNextRun, interrupted: false, outputs: [] };
    state.failNextRun = null;
    if (!run.failure) {
      for (let i = 0; i < batch; i += 1) {
        const filename = `${String(save.inputs.filename_prefix)}_${String(counter * 10 + i).padStart(5, '0')}_.png`;
        files.set(`/${filename}`, await fakeImage('png', `comfy|${prompt}|${String(sampler?.inputs.seed)}|${i}`));
        run.outputs.push({ filename, subfolder: '', type: 'output' });
      }
    }
    // The run starts once the prompt is accepted (image encoding above is the fake's own time).
    run.doneAt = Date.now() + state.runMs;
    runs.set(id, run);
    return { status: 200, json: { prompt_id: id, number: counter, node_errors: {} } };
  }

  function historyOf(id: string): FakeAnswer {
    const run = runs.get(id);
    if (!run || run.doneAt > Date.now()) return { status: 200, json: {} };
    const timestamp = run.doneAt;
    const start = ['execution_start', { prompt_id: id, timestamp }];
    let status: unknown;
    let outputs: unknown = {};
    if (run.interrupted) {
      status = { status_str: 'error', completed: false, messages: [start, ['execution_interrupted', { prompt_id: id, node_id: '3', node_type: 'KSampler', executed: ['4', '5', '6', '7'], timestamp }]] };
    } else if (run.failure) {
      status = {
        status_str: 'error',
        completed: false,
        messages: [start, ['execution_error', { prompt_id: id, ...run.failure, executed: ['4', '5'], traceback: ['  File "execution.py", line 496, in execute\n'], current_inputs: {}, current_outputs: {}, timestamp }]],
      };
    } else {
      status = { status_str: 'success', completed: true, messages: [start, ['execution_cached', { nodes: [], prompt_id: id, timestamp }], ['execution_success', { prompt_id: id, timestamp }]] };
      outputs = { '9': { images: run.outputs } };
    }
    return { status: 200, json: { [id]: { prompt: [run.number, id, run.workflow, { client_id: 'x' }, ['9']], outputs, status, meta: {} } } };
  }

  const server = await startScriptedServer(answer);
  return exposeState(server, state);
}

/** ComfyUI's validate_inputs, reduced to what the built-in workflow uses. */
function validateNode(node: { class_type: string; inputs: Record<string, unknown> }, workflow: Record<string, { class_type: string }>, checkpoints: string[]): unknown[] {
  const schema = NODE_INPUTS[node.class_type];
  if (!schema) return [{ type: 'invalid_prompt', message: `Cannot execute because node ${node.class_type} does not exist.`, details: `Node ID '#'`, extra_info: {} }];
  const errors: unknown[] = [];
  const parsed = schema.safeParse(node.inputs);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const input = String(issue.path[0] ?? '');
      errors.push({ type: issue.code === 'invalid_type' && issue.path.length === 1 && node.inputs[input] === undefined ? 'required_input_missing' : 'invalid_input_type', message: issue.message, details: `${input}: ${issue.message}`, extra_info: { input_name: input } });
    }
  }
  for (const [input, value] of Object.entries(node.inputs)) {
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !workflow[(value as Link)[0]]) {
      errors.push({ type: 'bad_linked_input', message: 'Bad linked input, must be a length-2 list of [string, int]', details: `${input}, ${JSON.stringify(value)}`, extra_info: { input_name: input } });
    }
  }
  const valueNotInList = (input: string, allowed: string[]) => {
    const value = node.inputs[input];
    if (typeof value === 'string' && !allowed.includes(value)) {
      errors.push({ type: 'value_not_in_list', message: 'Value not in list', details: `${input}: '${value}' not in (list of length ${allowed.length})`, extra_info: { input_name: input, input_config: [allowed, {}], received_value: value } });
    }
  };
  if (node.class_type === 'CheckpointLoaderSimple') valueNotInList('ckpt_name', checkpoints);
  if (node.class_type === 'KSampler') {
    valueNotInList('sampler_name', SAMPLERS);
    valueNotInList('scheduler', SCHEDULERS);
  }
  return errors;
}
