import { lazy, Suspense, type ReactNode } from 'react'
import type { RouteObject } from 'react-router'
import { SkeletonBlock } from '@/components/Skeleton'
import { SetupPage, SignInPage } from '@/features/auth'
import { DashboardPage } from '@/features/dashboard'
import { EvaluationDetailPage, HistoryPage } from '@/features/history'
import { PoliciesPage, PolicyEditorPage } from '@/features/policies'
import { ScreenerPage } from '@/features/screener'
import { SettingsPage } from '@/features/settings'
import { AppLayout } from './AppLayout'
import { NotFoundPage } from './NotFoundPage'
import { RequireAuth } from './RequireAuth'
import { RouteError } from './RouteError'

// The stock page carries the chart library: loaded when first visited.
const StockPage = lazy(() => import('@/features/stocks').then((m) => ({ default: m.StockPage })))

function Lazy({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="page">
          <SkeletonBlock lines={4} lineHeight={28} />
        </div>
      }
    >
      {children}
    </Suspense>
  )
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
      { index: true, element: <DashboardPage /> },
      {
        path: 'stocks/:code',
        element: (
          <Lazy>
            <StockPage />
          </Lazy>
        ),
      },
      { path: 'screener', element: <ScreenerPage /> },
      { path: 'policies', element: <PoliciesPage /> },
      { path: 'policies/:id', element: <PolicyEditorPage /> },
      { path: 'history', element: <HistoryPage /> },
      { path: 'history/:id', element: <EvaluationDetailPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]
