import type { ReactNode } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  /** The verb on the button: "Restore", "Delete 12 images" — never just "OK". */
  confirmLabel: string;
  cancelLabel?: string;
  tone?: 'normal' | 'danger';
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** A question with two answers; Cancel has focus first so a stray Enter does nothing destructive. */
export function ConfirmDialog({ open, title, children, confirmLabel, cancelLabel = 'Cancel', tone = 'normal', busy = false, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      title={title}
      size="small"
      onClose={onCancel}
      footer={
        <>
          <Button autoFocus onClick={onCancel} disabled={busy}>
            {cancelLabel}
          </Button>
          <Button variant={tone === 'danger' ? 'danger' : 'primary'} onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
