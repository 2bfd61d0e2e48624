import type { ButtonHTMLAttributes, ReactNode } from 'react';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'className'> {
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger';
  size?: 'normal' | 'small';
  icon?: ReactNode;
  className?: string;
}

/** The one button of the app: every native attribute passes through (disabled, aria-*, title, type). */
export function Button({ children, variant = 'secondary', size = 'normal', icon, className, type = 'button', ...rest }: ButtonProps) {
  const classes = ['button', `is-${variant}`, size === 'small' ? 'is-small' : null, className].filter(Boolean).join(' ');
  return (
    <button type={type} className={classes} {...rest}>
      {icon}
      {children === undefined || children === null ? null : <span>{children}</span>}
    </button>
  );
}
