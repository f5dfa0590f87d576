import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactElement } from 'react'
import { createMemoryRouter, MemoryRouter, Outlet, Route, RouterProvider, Routes, useLocation } from 'react-router'

/** Shows the current location, so tests can check where the app navigated. */
function LocationProbe() {
  const location = useLocation()
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>
}

interface Options {
  /** the URL the test starts at */
  route?: string
  /** the route pattern the element is mounted at */
  path?: string
  /** history state of the first entry (what `navigate(to, { state })` leaves) */
  state?: unknown
  /** a data router (createMemoryRouter), as the app uses: needed by useBlocker */
  dataRouter?: boolean
}

/** Render with a fresh query client (no retries) and a memory router. */
export function renderWithProviders(ui: ReactElement, { route = '/', path = '*', state, dataRouter = false }: Options = {}) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  })
  const entry = state === undefined ? route : { pathname: new URL(route, 'http://x').pathname, search: new URL(route, 'http://x').search, state }
  const router = dataRouter
    ? createMemoryRouter(
        [
          {
            element: (
              <>
                <Outlet />
                <LocationProbe />
              </>
            ),
            children: [
              { path, element: ui },
              { path: '*', element: null },
            ],
          },
        ],
        { initialEntries: [entry] },
      )
    : null
  const result = render(
    <QueryClientProvider client={queryClient}>
      {router ? (
        <RouterProvider router={router} />
      ) : (
        <MemoryRouter initialEntries={[entry]}>
          <Routes>
            <Route path={path} element={ui} />
            <Route path="*" element={null} />
          </Routes>
          <LocationProbe />
        </MemoryRouter>
      )}
    </QueryClientProvider>,
  )
  return { ...result, queryClient }
}
