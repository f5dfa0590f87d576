import { clearExpiredFlag, getToken, setToken, wasExpired } from '@/lib/auth/session'
import { mockApi } from '@/test/fetchMock'
import { api, unwrap } from './client'
import { ApiError } from './errors'

describe('API client', () => {
  it('sends the bearer token and the UI language', async () => {
    setToken('tok-1')
    const { calls } = mockApi([{ path: '/api/v1/watchlists', body: { items: [], total: 0 } }])
    await unwrap(api.GET('/api/v1/watchlists'))
    expect(calls[0]!.headers.get('Authorization')).toBe('Bearer tok-1')
    expect(calls[0]!.headers.get('Accept-Language')).toBe('ja')
  })

  it('clears the token on any 401, so the app goes to sign-in', async () => {
    setToken('tok-expired')
    mockApi([
      {
        path: '/api/v1/watchlists',
        status: 401,
        body: { error: 'unauthorized', detail: 'Not authenticated.', field: null },
      },
    ])
    await expect(unwrap(api.GET('/api/v1/watchlists'))).rejects.toMatchObject({ status: 401, detail: 'Not authenticated.' })
    expect(getToken()).toBeNull()
    expect(wasExpired()).toBe(true)
    clearExpiredFlag()
    expect(wasExpired()).toBe(false)
  })

  it('keeps the session when sign-in itself answers 401', async () => {
    setToken('tok-still-valid')
    mockApi([
      {
        method: 'POST',
        path: '/api/v1/auth/token',
        status: 401,
        body: { error: 'unauthorized', detail: 'Incorrect username or password.', field: null },
      },
    ])
    await expect(
      unwrap(api.POST('/api/v1/auth/token', { body: { username: 'a', password: 'b', scope: '' } })),
    ).rejects.toBeInstanceOf(ApiError)
    expect(getToken()).toBe('tok-still-valid')
  })

  it('turns errors into ApiError with detail, field and errors', async () => {
    mockApi([
      {
        method: 'POST',
        path: '/api/v1/watchlists/1/items',
        status: 409,
        body: { error: 'conflict', detail: "8334 is already on 'テスト'.", field: 'code' },
      },
    ])
    const error = await unwrap(
      api.POST('/api/v1/watchlists/{watchlist_id}/items', { params: { path: { watchlist_id: 1 } }, body: { code: '8334' } }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, code: 'conflict', field: 'code', detail: "8334 is already on 'テスト'." })
    expect((error as ApiError).messageFor('code')).toBe("8334 is already on 'テスト'.")
  })

  it('reports an unreachable server as a network error', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    const error = await unwrap(api.GET('/api/v1/health')).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 0, code: 'network', isNetwork: true })
  })
})
