import type { ComponentType } from 'react';
import { EstimateIcon, GalleryIcon, HealthIcon, QueueIcon, SettingsIcon, type IconProps } from '../components/icons';
import type { PanelId } from './navigation';

export const PANEL_ICONS: Record<PanelId, ComponentType<IconProps>> = {
  queue: QueueIcon,
  gallery: GalleryIcon,
  estimate: EstimateIcon,
  settings: SettingsIcon,
  health: HealthIcon,
};
