import type { Transport } from '../../../shared/transport';
import { createElectronTransport } from './electron-transport';
import { createWsTransport, rpcUrlFor } from './ws-transport';

/**
 * Electron when the preload's bridge is there; otherwise browser mode, talking to the server that served
 * this page. Anything else (a file:// page, a dev server without a backend) cannot reach the core.
 */
export function pickTransport(): Transport {
  if (window.apexBridge) return createElectronTransport(window.apexBridge);
  const { protocol } = window.location;
  if (protocol === 'http:' || protocol === 'https:') return createWsTransport(rpcUrlFor(window.location));
  throw new Error(`APEX Director cannot reach its core from a ${protocol} page: start it with \`npm start\` or \`apex-director serve\`.`);
}
