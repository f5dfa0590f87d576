/** A `next` parameter we are willing to go to after sign-in: a path on this site, never another origin. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  if (next.startsWith('/sign-in') || next.startsWith('/setup')) return '/'
  return next
}

export function signInPath(next?: string): string {
  const target = safeNext(next)
  return target === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(target)}`
}
