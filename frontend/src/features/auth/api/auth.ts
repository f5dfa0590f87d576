import { api, unwrap } from '@/lib/api/client'
import type { TokenRead } from '@/lib/api/types'

export interface Credentials {
  username: string
  password: string
}

/** POST /auth/token (OAuth2 password form). */
export async function signIn({ username, password }: Credentials): Promise<TokenRead> {
  return unwrap(
    api.POST('/api/v1/auth/token', {
      body: { username, password, scope: '' },
      bodySerializer: (body) => new URLSearchParams(body as unknown as Record<string, string>),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
  )
}

/** GET /auth/setup: whether the first account still has to be created. */
export async function fetchSetupStatus(): Promise<boolean> {
  const status = await unwrap(api.GET('/api/v1/auth/setup'))
  return status.needed
}

export interface SetupInput extends Credentials {
  setupToken: string
}

/** POST /auth/setup with the one-time token from the server log. */
export async function createFirstAccount({ setupToken, username, password }: SetupInput): Promise<void> {
  await unwrap(api.POST('/api/v1/auth/setup', { body: { setup_token: setupToken, username, password } }))
}
