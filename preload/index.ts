import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, type ApexBridge } from '../shared/bridge';
import { EVENT_CHANNEL, RPC_CHANNEL } from '../shared/channels';
import type { EventMessage, RpcRequest } from '../shared/wire';

/**
 * The whole preload (DESIGN §2, style.md §8.4.4): one request function, one event subscription, the platform.
 * No ipcRenderer, no channel parameter, no business methods — those are all in the contract. It runs
 * sandboxed, so it is bundled to one CommonJS file that needs nothing but `electron`.
 */

function isEventMessage(value: unknown): value is EventMessage {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string';
}

const bridge = {
  request: (req: RpcRequest) => ipcRenderer.invoke(RPC_CHANNEL, req),
  onEvent: (listener) => {
    // The IpcRendererEvent (with its `sender`) never reaches the page: only the message does.
    const wrapped = (_event: IpcRendererEvent, message: unknown) => {
      if (isEventMessage(message)) listener({ name: message.name, payload: message.payload });
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
  platform: process.platform,
  // A dropped image's path, so the desktop app imports it where it is instead of sending its bytes.
  // The page only ever passes DOM Files (DroppedFile is their shape as shared/ can name it).
  pathForFile: (file) => (file instanceof File ? webUtils.getPathForFile(file) || null : null),
} satisfies ApexBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
