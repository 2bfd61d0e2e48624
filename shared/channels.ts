/** Electron channel names: exactly two, both prefixed, shared by main and preload. No imports, so the preload stays tiny. */
export const RPC_CHANNEL = 'apex:rpc';
export const EVENT_CHANNEL = 'apex:event';
