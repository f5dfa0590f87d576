import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router'
import { useToken } from '@/lib/auth/session'
import { signInPath } from '@/lib/navigation'

/** Renders its children only when signed in; otherwise (also right after a 401) goes to sign-in and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const token = useToken()
  const location = useLocation()
  if (!token) return <Navigate to={signInPath(`${location.pathname}${location.search}`)} replace />
  return children
}
