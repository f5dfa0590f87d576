import { lazy, Suspense, type ComponentType, type ReactNode } from 'react'
import type { RouteObject } from 'react-router'
import { PageSkeleton } from '@/components/Skeleton'
import { SetupPage, SignInPage } from '@/features/auth'
import { AppLayout } from './AppLayout'
import { NotFoundPage } from './NotFoundPage'
import { RequireAuth } from './RequireAuth'
import { RouteError } from './RouteError'

/**
 * A page loaded when first visited: each feature is a chunk of its own (the stock page's also
 * carries the chart library). The sign-in and setup pages stay in the main bundle: they are what a
 * signed-out visitor sees first.
 */
function page<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) {
  return lazy(() => load().then((module) => ({ default: module[name] })))
}

const DashboardPage = page(() => import('@/features/dashboard'), 'DashboardPage')
const StockPage = page(() => import('@/features/stocks'), 'StockPage')
const ScreenerPage = page(() => import('@/features/screener'), 'ScreenerPage')
const PoliciesPage = page(() => import('@/features/policies'), 'PoliciesPage')
const PolicyEditorPage = page(() => import('@/features/policies'), 'PolicyEditorPage')
const HistoryPage = page(() => import('@/features/history'), 'HistoryPage')
const EvaluationDetailPage = page(() => import('@/features/history'), 'EvaluationDetailPage')
const SettingsPage = page(() => import('@/features/settings'), 'SettingsPage')
const DataPage = page(() => import('@/features/data'), 'DataPage')
const BacktestsPage = page(() => import('@/features/backtests'), 'BacktestsPage')
const NewBacktestPage = page(() => import('@/features/backtests'), 'NewBacktestPage')
const BacktestPage = page(() => import('@/features/backtests'), 'BacktestPage')
const CompareBacktestsPage = page(() => import('@/features/backtests'), 'ComparePage')

/** While a page's code loads: a skeleton in the page's place (the header and navigation stay). */
function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageSkeleton />}>{children}</Suspense>
}

/**
 * Every route of the app. Pages behind sign-in are children of the layout route; add a page by
 * adding a child here (and, for a top-level page, an item in nav.ts).
 */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteError /> },
  { path: '/setup', element: <SetupPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Lazy><DashboardPage /></Lazy> },
      { path: 'stocks/:code', element: <Lazy><StockPage /></Lazy> },
      { path: 'screener', element: <Lazy><ScreenerPage /></Lazy> },
      { path: 'policies', element: <Lazy><PoliciesPage /></Lazy> },
      { path: 'policies/:id', element: <Lazy><PolicyEditorPage /></Lazy> },
      { path: 'history', element: <Lazy><HistoryPage /></Lazy> },
      { path: 'backtests', element: <Lazy><BacktestsPage /></Lazy> },
      { path: 'backtests/new', element: <Lazy><NewBacktestPage /></Lazy> },
      { path: 'backtests/compare', element: <Lazy><CompareBacktestsPage /></Lazy> },
      { path: 'backtests/:id', element: <Lazy><BacktestPage /></Lazy> },
      { path: 'history/:id', element: <Lazy><EvaluationDetailPage /></Lazy> },
      { path: 'settings', element: <Lazy><SettingsPage /></Lazy> },
      { path: 'data', element: <Lazy><DataPage /></Lazy> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]
