import type { ReactNode } from 'react';

export function Button({
  children,
  onClick,
  variant = 'secondary',
  icon,
}: {
  children: ReactNode;
  onClick?: () => void;
  variant?: 'primary' | 'secondary' | 'ghost';
  icon?: ReactNode;
}) {
  return (
    <button type="button" className={`button is-${variant}`} onClick={onClick}>
      {icon}
      <span>{children}</span>
    </button>
  );
}
