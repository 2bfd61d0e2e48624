import { z } from 'zod';
import { fakeImage, type FakeFormat } from './fake-images';
import { exposeState, startScriptedServer, type FakeAnswer, type RecordedRequest, type ScriptedServer } from './scripted-server';

/**
 * A loopback fake of MiniMax's image API (research/backends.md §3): `POST /v1/image_generation` with a
 * Bearer key. Like the real service it answers HTTP 200 for business errors, with the reason in
 * `base_resp.status_code` (1004 no/bad auth, 2049 invalid key, 2013 invalid parameters, …), returns
 * `data.image_base64[]` (JPEG, as MiniMax does) with string counts in `metadata`, and a Trace-Id header.
 * Failure modes for tests come from `minimaxAnswers` through `next()` or `script`.
 */

export interface MinimaxFake extends ScriptedServer {
  apiKey: string;
  imageFormat: FakeFormat;
}

const ASPECT_RATIOS = ['1:1', '16:9', '4:3', '3:2', '2:3', '3:4', '9:16', '21:9'] as const;
const Side = z.number().int().min(512).max(2048).refine((v) => v % 8 === 0, 'must be a multiple of 8');
const ImageGenerationBody = z
  .strictObject({
    model: z.enum(['image-01', 'image-01-live']),
    prompt: z.string().min(1).max(1500),
    aspect_ratio: z.enum(ASPECT_RATIOS).optional(),
    width: Side.optional(),
    height: Side.optional(),
    response_format: z.enum(['url', 'base64']).optional(),
    n: z.number().int().min(1).max(9).optional(),
    seed: z.number().int().optional(),
    prompt_optimizer: z.boolean().optional(),
    aigc_watermark: z.boolean().optional(),
    subject_reference: z.array(z.unknown()).optional(),
  })
  .refine((b) => (b.width === undefined) === (b.height === undefined), 'width and height go together');

export async function startMinimaxFake(options: { apiKey?: string } = {}): Promise<MinimaxFake> {
  const state = { apiKey: options.apiKey ?? 'test-minimax-key', imageFormat: 'jpeg' as FakeFormat };
  const server = await startScriptedServer((request) => answer(request, state));
  return exposeState(server, state);
}

async function answer(request: RecordedRequest, state: { apiKey: string; imageFormat: FakeFormat }): Promise<FakeAnswer> {
  if (request.path !== '/v1/image_generation' || request.method !== 'POST') return { status: 404, json: { base_resp: { status_code: 404, status_msg: 'not found' } } };
  const auth = request.headers.authorization;
  if (!auth) return minimaxAnswers.code(1004, "login fail: Please carry the API secret key in the 'Authorization' field of the request header");
  if (auth !== `Bearer ${state.apiKey}`) return minimaxAnswers.code(2049, 'invalid api key');
  const parsed = ImageGenerationBody.safeParse(request.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return minimaxAnswers.code(2013, `invalid params, ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const body = parsed.data;
  const n = body.n ?? 1;
  const images = await Promise.all(Array.from({ length: n }, async (_, i) => (await fakeImage(state.imageFormat, `minimax|${body.prompt}|${body.seed ?? 0}|${i}`)).toString('base64')));
  const data = body.response_format === 'base64' ? { image_base64: images } : { image_urls: images.map((_, i) => `https://minimax-fake.invalid/${request.index}/${i}.jpeg`) };
  return {
    status: 200,
    headers: { 'trace-id': `trace-${request.index}` },
    json: { id: `fake-${request.index}`, data, metadata: { failed_count: '0', success_count: String(n) }, base_resp: { status_code: 0, status_msg: 'success' } },
  };
}

export const minimaxAnswers = {
  /** A business error inside an HTTP 200, as MiniMax sends them. */
  code(statusCode: number, statusMsg: string): FakeAnswer {
    return { status: 200, headers: { 'trace-id': `trace-error-${statusCode}` }, json: { id: '', base_resp: { status_code: statusCode, status_msg: statusMsg } } };
  },
  rateLimited(): FakeAnswer {
    return minimaxAnswers.code(1002, 'rate limit exceeded(RPM)');
  },
  insufficientBalance(): FakeAnswer {
    return minimaxAnswers.code(1008, 'insufficient balance');
  },
  sensitivePrompt(): FakeAnswer {
    return minimaxAnswers.code(1026, 'input new_sensitive');
  },
  /** Success code with every image failed. */
  allFailed(n = 1): FakeAnswer {
    return { status: 200, json: { id: 'fake', data: { image_base64: [] }, metadata: { failed_count: String(n), success_count: '0' }, base_resp: { status_code: 0, status_msg: 'success' } } };
  },
};
