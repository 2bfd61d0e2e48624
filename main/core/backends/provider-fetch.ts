import { Agent } from 'undici';
import type { FetchLike } from './http-errors';

/**
 * The fetch every provider client uses: Node's own, through an undici Agent with the per-request timers off.
 *
 * Left to itself, Node's fetch gives up when a response's headers take more than 300 s to come or its body
 * stalls for 300 s (undici's `headersTimeout` and `bodyTimeout`). An A1111 or Forge server answers txt2img
 * only when the whole batch is drawn, which on a modest GPU takes longer than that (the sdxl backend's
 * `timeout_ms` is 600 s by default): such a call failed at five minutes as "transient", and each retry drew
 * the batch again only to fail the same way. A call's deadline is its backend's `timeout_ms`, enforced by
 * the orchestrator through the call's AbortSignal. Connecting keeps undici's 10 s limit.
 */
const PROVIDER_AGENT_OPTIONS = { headersTimeout: 0, bodyTimeout: 0 } as const;

const agent = new Agent(PROVIDER_AGENT_OPTIONS);

/**
 * Node's fetch takes undici's `dispatcher` in its init; TypeScript's DOM typing of `fetch` (which the test
 * and renderer projects see) has no such member, so the one extra field is declared here.
 */
const nodeFetch = fetch as (input: string, init: RequestInit & { dispatcher: Agent }) => Promise<Response>;

export const providerFetch: FetchLike = (input, init) => nodeFetch(input, { ...init, dispatcher: agent });
