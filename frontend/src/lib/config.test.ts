import { clientBaseUrl, configuredApiBaseUrl } from './config'

describe('API base URL', () => {
  afterEach(() => {
    delete window.KABU_CONFIG
  })

  it('defaults to /api/v1 on the same origin', () => {
    expect(configuredApiBaseUrl()).toBe('/api/v1')
    expect(clientBaseUrl('/api/v1', 'http://localhost:5173/stocks/8334')).toBe('http://localhost:5173')
  })

  it('takes window.KABU_CONFIG.apiBaseUrl from config.js at run time', () => {
    window.KABU_CONFIG = { apiBaseUrl: 'https://api.example.com/api/v1/' }
    expect(configuredApiBaseUrl()).toBe('https://api.example.com/api/v1')
    expect(clientBaseUrl(configuredApiBaseUrl(), 'https://app.example.com/')).toBe('https://api.example.com')
  })

  it('keeps a path prefix in front of /api/v1', () => {
    expect(clientBaseUrl('https://example.com/kabu/api/v1', 'https://example.com/')).toBe('https://example.com/kabu')
  })
})
