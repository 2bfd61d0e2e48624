import type { ApexBridge } from '../../../shared/bridge';

/** The preload's only export, present in the Electron window and absent in browser mode. */
declare global {
  interface Window {
    apexBridge?: ApexBridge;
  }
}

export {};
