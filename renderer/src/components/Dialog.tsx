import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  open: boolean;
  title: string;
  /** One sentence under the title; also the dialog's accessible description. */
  description?: ReactNode;
  /** Escape, the close button and a click on the backdrop all call this. */
  onClose(): void;
  /** Buttons at the bottom, right-aligned; put the main action last. */
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large' | 'full';
  /** Extra class on the <dialog> (a feature's own layout). */
  className?: string;
  children?: ReactNode;
}

/**
 * A modal on the native <dialog> element: the browser gives focus trapping, Escape, the inert background
 * and the top layer, so there is no focus-trap code of our own to get wrong.
 */
export function Dialog({ open, title, description, onClose, footer, size = 'medium', className, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={['dialog', `is-${size}`, className].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Escape: keep the element open until React says otherwise, so state and DOM never disagree.
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
    >
      {open ? (
        <div className="dialog-frame">
          <header className="dialog-header">
            <div>
              <h2 id={titleId} className="dialog-title">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="dialog-description">
                  {description}
                </p>
              ) : null}
            </div>
            <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer ? <footer className="dialog-footer">{footer}</footer> : null}
        </div>
      ) : null}
    </dialog>
  );
}
