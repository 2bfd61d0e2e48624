import { z } from 'zod';
import { fakeImage, FORMAT_MIME, type FakeFormat } from './fake-images';
import { exposeState, startScriptedServer, type FakeAnswer, type RecordedRequest, type ScriptedServer } from './scripted-server';

/**
 * A loopback fake of Google's image APIs (research/backends.md §1, §2), one server for all of them since
 * generateContent and :predict both live on generativelanguage.googleapis.com:
 *   POST /v1beta/models/{model}:generateContent   x-goog-api-key   (Nano Banana)
 *   POST /v1beta/models/{model}:predict           x-goog-api-key   (Imagen on the Gemini API)
 *   GET  /v1beta/models/{model}                   x-goog-api-key   (health)
 *   POST /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:predict   Bearer token   (Imagen on Vertex AI)
 * Bodies are checked field by field the way Google does (camelCase, unknown names refused with
 * INVALID_ARGUMENT), keys are checked (403 without one, 400 API_KEY_INVALID for a wrong one), unknown
 * models are 404 NOT_FOUND; everything else a test wants (429s, blocks, thought images, JPEG) comes from
 * the `geminiAnswers` builders through `next()` or `script`, or from the knobs below.
 */

export const GEMINI_IMAGE_MODELS = ['gemini-3.1-flash-image', 'gemini-3-pro-image', 'gemini-3.1-flash-lite-image', 'gemini-2.5-flash-image'];
export const IMAGEN_MODELS = ['imagen-4.0-generate-001', 'imagen-4.0-fast-generate-001', 'imagen-4.0-ultra-generate-001'];

export interface GeminiFake extends ScriptedServer {
  apiKey: string;
  vertexToken: string;
  /** Models that exist; anything else is 404 NOT_FOUND (a retired model). */
  models: Set<string>;
  /** Format of the images in default answers. */
  imageFormat: FakeFormat;
  /** Interim `thought: true` images sent before the final one (Gemini 3 models send up to two). */
  thoughtImages: number;
}

export async function startGeminiFake(options: { apiKey?: string; vertexToken?: string; models?: string[] } = {}): Promise<GeminiFake> {
  const state: State = {
    apiKey: options.apiKey ?? 'test-gemini-key',
    vertexToken: options.vertexToken ?? 'ya29.test-vertex-token',
    models: new Set(options.models ?? [...GEMINI_IMAGE_MODELS, ...IMAGEN_MODELS]),
    imageFormat: 'png',
    thoughtImages: 0,
  };
  const server = await startScriptedServer((request) => answer(request, state));
  return exposeState(server, state);
}

type State = { apiKey: string; vertexToken: string; models: Set<string>; imageFormat: FakeFormat; thoughtImages: number };

const GEMINI_ROUTE = /^\/v1beta\/models\/([^/:]+)(?::(generateContent|predict))?$/;
const VERTEX_ROUTE = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):predict$/;

async function answer(request: RecordedRequest, state: State): Promise<FakeAnswer> {
  const vertex = VERTEX_ROUTE.exec(request.path);
  if (vertex && request.method === 'POST') {
    if (request.headers.authorization !== `Bearer ${state.vertexToken}`) return geminiAnswers.unauthenticated();
    const model = decodeURIComponent(vertex[3]!);
    if (!state.models.has(model)) return geminiAnswers.notFound(`Publisher Model \`projects/${vertex[1]}/locations/${vertex[2]}/publishers/google/models/${model}\` not found.`);
    return predict(request, state, true);
  }
  const gemini = GEMINI_ROUTE.exec(request.path);
  if (!gemini) return { status: 404, raw: '<!DOCTYPE html><title>Error 404 (Not Found)!!1</title>', headers: { 'content-type': 'text/html' } };
  const key = request.headers['x-goog-api-key'] ?? request.query.key;
  if (!key) return geminiAnswers.unregisteredCaller();
  if (key !== state.apiKey) return geminiAnswers.invalidKey();
  const model = decodeURIComponent(gemini[1]!);
  const method = gemini[2];
  if (!state.models.has(model)) return geminiAnswers.notFound(`models/${model} is not found for API version v1beta, or is not supported for ${method ?? 'get'}. Call ListModels to see the list of available models and their supported methods.`);
  if (!method && request.method === 'GET') {
    return { status: 200, json: { name: `models/${model}`, version: '001', displayName: model, supportedGenerationMethods: [model.startsWith('imagen') ? 'predict' : 'generateContent'] } };
  }
  if (request.method !== 'POST') return geminiAnswers.error(405, 'INVALID_ARGUMENT', 'Method not allowed.');
  if (method === 'predict') return predict(request, state, false);
  return generateContent(request, model, state);
}

const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:4', '4:1', '1:8', '8:1'] as const;
const GeneratePart = z.union([z.strictObject({ text: z.string() }), z.strictObject({ inlineData: z.strictObject({ mimeType: z.string(), data: z.string() }) })]);
const GenerateContentBody = z.strictObject({
  contents: z.array(z.strictObject({ role: z.enum(['user', 'model']).optional(), parts: z.array(GeneratePart).min(1) })).min(1),
  generationConfig: z
    .strictObject({
      responseModalities: z.array(z.enum(['TEXT', 'IMAGE'])).optional(),
      imageConfig: z.strictObject({ aspectRatio: z.enum(ASPECT_RATIOS).optional(), imageSize: z.enum(['1K', '2K', '4K']).optional() }).optional(),
      candidateCount: z.number().int().optional(),
      seed: z.number().int().optional(),
      temperature: z.number().optional(),
    })
    .optional(),
  safetySettings: z.array(z.strictObject({ category: z.string(), threshold: z.string() })).optional(),
  systemInstruction: z.strictObject({ parts: z.array(z.strictObject({ text: z.string() })) }).optional(),
});

async function generateContent(request: RecordedRequest, model: string, state: State): Promise<FakeAnswer> {
  const parsed = GenerateContentBody.safeParse(request.body);
  if (!parsed.success) return invalidPayload(parsed.error);
  const prompt = parsed.data.contents.flatMap((c) => c.parts).map((p) => ('text' in p ? p.text : '')).join(' ');
  const aspect = parsed.data.generationConfig?.imageConfig?.aspectRatio ?? '1:1';
  const thoughts = await Promise.all(
    Array.from({ length: state.thoughtImages }, async (_, i) => ({ inlineData: { mimeType: 'image/png', data: (await fakeImage('png', `thought|${i}|${prompt}`)).toString('base64') }, thought: true })),
  );
  const image = await fakeImage(state.imageFormat, `gemini|${model}|${aspect}|${prompt}`);
  return {
    status: 200,
    json: {
      candidates: [
        {
          content: { role: 'model', parts: [...thoughts, { inlineData: { mimeType: FORMAT_MIME[state.imageFormat], data: image.toString('base64') } }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 1120, totalTokenCount: 1132, candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1120 }] },
      modelVersion: model,
      responseId: `fake-${request.index}`,
    },
  };
}

const PredictBody = (vertex: boolean) =>
  z.strictObject({
    instances: z.array(z.strictObject({ prompt: z.string().min(1) })).length(1),
    parameters: z
      .strictObject({
        sampleCount: z.number().int().min(1).max(4).optional(),
        aspectRatio: z.enum(['1:1', '3:4', '4:3', '9:16', '16:9']).optional(),
        personGeneration: z.string().optional(),
        sampleImageSize: z.enum(['1K', '2K']).optional(),
        includeRaiReason: z.boolean().optional(),
        includeSafetyAttributes: z.boolean().optional(),
        safetySetting: z.string().optional(),
        language: z.string().optional(),
        outputOptions: z.strictObject({ mimeType: z.string().optional(), compressionQuality: z.number().optional() }).optional(),
        // Vertex-only parameters: the Gemini API refuses them.
        ...(vertex ? { negativePrompt: z.string().optional(), seed: z.number().int().optional(), addWatermark: z.boolean().optional(), enhancePrompt: z.boolean().optional() } : {}),
      })
      .optional(),
  });

async function predict(request: RecordedRequest, state: State, vertex: boolean): Promise<FakeAnswer> {
  const parsed = PredictBody(vertex).safeParse(request.body);
  if (!parsed.success) return invalidPayload(parsed.error);
  const count = parsed.data.parameters?.sampleCount ?? 4;
  const prompt = parsed.data.instances[0]!.prompt;
  const predictions = await Promise.all(
    Array.from({ length: count }, async (_, i) => ({ bytesBase64Encoded: (await fakeImage(state.imageFormat, `imagen|${prompt}|${i}`)).toString('base64'), mimeType: FORMAT_MIME[state.imageFormat] })),
  );
  return { status: 200, json: { predictions } };
}

/** Google's wording for a body it cannot map onto the request message. */
function invalidPayload(error: z.ZodError): FakeAnswer {
  const issue = error.issues[0]!;
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return geminiAnswers.error(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${issue.keys[0]}" at '${at}': Cannot find field.`, [
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: at, description: `Invalid JSON payload received. Unknown name "${issue.keys[0]}" at '${at}': Cannot find field.` }] },
    ]);
  }
  return geminiAnswers.error(400, 'INVALID_ARGUMENT', `Invalid value at '${at}': ${issue.message}`);
}

/** Answers as Google sends them, for `server.next(...)` and `server.script`. */
export const geminiAnswers = {
  error(code: number, status: string, message: string, details: unknown[] = [], headers: Record<string, string> = {}): FakeAnswer {
    return { status: code, headers, json: { error: { code, message, status, ...(details.length > 0 ? { details } : {}) } } };
  },
  invalidKey(): FakeAnswer {
    return geminiAnswers.error(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
      { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
    ]);
  },
  unregisteredCaller(): FakeAnswer {
    return geminiAnswers.error(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.');
  },
  unauthenticated(): FakeAnswer {
    return geminiAnswers.error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED', domain: 'googleapis.com' },
    ]);
  },
  notFound(message: string): FakeAnswer {
    return geminiAnswers.error(404, 'NOT_FOUND', message);
  },
  /** A per-minute limit: 429 with QuotaFailure and RetryInfo.retryDelay (e.g. "30s"). */
  rateLimited(retryDelay = '30s'): FakeAnswer {
    const seconds = Number(retryDelay.replace(/s$/, ''));
    return geminiAnswers.error(429, 'RESOURCE_EXHAUSTED', `You exceeded your current quota, please check your plan and billing details. Please retry in ${seconds}.123456s.`, [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_requests_per_model', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', quotaDimensions: { location: 'global', model: 'gemini-3.1-flash-image' }, quotaValue: '10' }],
      },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ]);
  },
  /** A per-day quota: retrying before it resets is useless, whatever RetryInfo says. */
  dailyQuota(): FakeAnswer {
    return geminiAnswers.error(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details. Please retry in 19.424395716s.', [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model: 'gemini-3.1-flash-image' },
            quotaValue: '20',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '19s' },
    ]);
  },
  overloaded(): FakeAnswer {
    return geminiAnswers.error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
  },
  /** 200, no candidates: the prompt itself was blocked. */
  promptBlocked(blockReason = 'PROHIBITED_CONTENT'): FakeAnswer {
    return { status: 200, json: { promptFeedback: { blockReason }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 }, modelVersion: 'gemini-3.1-flash-image' } };
  },
  /** 200, a candidate without content: the output was filtered. */
  outputBlocked(finishReason = 'IMAGE_SAFETY', finishMessage = 'Unable to show the generated image. The image was filtered out because it violated Google\'s Generative AI Prohibited Use policy.'): FakeAnswer {
    return { status: 200, json: { candidates: [{ finishReason, finishMessage, index: 0 }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } } };
  },
  /** 200 with only text: the model talked instead of drawing. */
  textOnly(text = 'I can\'t create that image, but here is a description instead.'): FakeAnswer {
    return { status: 200, json: { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }] } };
  },
  noImage(): FakeAnswer {
    return { status: 200, json: { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'NO_IMAGE', index: 0 }] } };
  },
  /** Imagen's refusal of a prompt (a 400, not a 200). */
  imagenPromptRefused(): FakeAnswer {
    return geminiAnswers.error(
      400,
      'INVALID_ARGUMENT',
      "Image generation failed with the following error: The prompt could not be submitted. This prompt contains sensitive words that violate Google's Responsible AI practices. Try rephrasing the prompt. If you think this was an error, send feedback.",
    );
  },
  /** Imagen: every sample filtered, with includeRaiReason. */
  imagenAllFiltered(reason = "Your current safety filter threshold filtered out the generated image. Try rephrasing the prompt."): FakeAnswer {
    return { status: 200, json: { predictions: [{ raiFilteredReason: reason }] } };
  },
  /** Imagen: 200 with nothing in it. */
  imagenEmpty(): FakeAnswer {
    return { status: 200, json: {} };
  },
};
