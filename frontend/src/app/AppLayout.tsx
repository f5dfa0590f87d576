import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, NavLink, Outlet, useLocation } from 'react-router'
import { DemoBanner } from '@/components/DemoBanner'
import { AccountLanguageSwitch } from '@/components/LanguageSwitch'
import { SearchBox } from '@/features/search'
import { useRefreshWhenJobsFinish } from '@/lib/api/jobs'
import { useMe } from '@/lib/api/me'
import { signOutHere } from '@/lib/auth/signOut'
import { NAV_ITEMS } from './nav'

/** Header (brand, navigation, search, language, sign-out), demo banner, and the page. */
export function AppLayout() {
  const { t } = useTranslation()
  const location = useLocation()
  const queryClient = useQueryClient()
  const [menuOpen, setMenuOpen] = useState(false)
  const me = useMe()
  // Administrators' pages (the data page) are in the navigation for administrators only.
  const navItems = NAV_ITEMS.filter((item) => !item.admin || me.data?.is_admin === true)
  // The first demo load, or a sync someone else started, finished: show the new data everywhere.
  useRefreshWhenJobsFinish()

  // A new page closes the phone menu.
  useEffect(() => {
    setMenuOpen(false)
  }, [location.pathname])

  useEffect(() => {
    if (!menuOpen) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setMenuOpen(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [menuOpen])

  function signOut() {
    void signOutHere()
    queryClient.clear()
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            aria-label={menuOpen ? t('app.closeMenu') : t('app.menu')}
            onClick={() => setMenuOpen((open) => !open)}
          >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
              {menuOpen ? (
                <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              ) : (
                <path d="M4 7h16M4 12h16M4 17h16" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              )}
            </svg>
          </button>
          <Link to="/" className="brand">
            <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={28} height={28} />
            <span className="brand__name">{t('app.name')}</span>
          </Link>
          <nav id="main-nav" className={`main-nav ${menuOpen ? 'main-nav--open' : ''}`} aria-label={t('app.mainNav')}>
            <ul className="main-nav__list">
              {navItems.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end} className="main-nav__link">
                    {t(item.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="app-header__search">
            <SearchBox />
          </div>
          <div className="app-header__actions">
            <AccountLanguageSwitch tone="dark" />
            <button type="button" className="button button--ghost-dark sign-out" onClick={signOut}>
              <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
                <path
                  d="M8 4H4.5A1.5 1.5 0 0 0 3 5.5v9A1.5 1.5 0 0 0 4.5 16H8M13 6.5 16.5 10 13 13.5M16.5 10H8"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.8"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
              </svg>
              <span className="sign-out__text">{t('app.signOut')}</span>
            </button>
          </div>
        </div>
      </header>
      <DemoBanner />
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  )
}
