import type { ParseKeys } from 'i18next'

export interface NavItem {
  to: string
  /** i18n key of the label */
  label: ParseKeys
  /** match only this exact path (the dashboard) */
  end?: boolean
  /** shown to administrators only (the page itself says so to anyone else) */
  admin?: boolean
}

/** The main navigation, in order. Add a page: a route in routes.tsx and (if it is top level) an item here. */
export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'nav.dashboard', end: true },
  { to: '/screener', label: 'nav.screener' },
  { to: '/policies', label: 'nav.policies' },
  { to: '/history', label: 'nav.history' },
  { to: '/backtests', label: 'nav.backtests' },
  { to: '/data', label: 'nav.data', admin: true },
  { to: '/settings', label: 'nav.settings' },
]
