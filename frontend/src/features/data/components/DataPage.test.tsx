import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { DataSourceState } from '@/lib/api/dataSource'
import i18n from '@/lib/i18n'
import { mockApi, type MockRoute } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import { badPreview, configuredState, demoState, goodPreview, jquantsEstimate, queuedSync, runningSync } from '../fixtures'
import { DataPage } from './DataPage'

const admin = { id: 1, username: 'admin', is_admin: true, language: 'ja', created_at: '2026-11-28T11:38:51Z', last_login_at: null }

/** The page with an administrator signed in, `state` stored and no sync running unless routes say so. */
function renderPage(state: DataSourceState, routes: MockRoute[] = []) {
  const api = mockApi([
    ...routes,
    { path: '/api/v1/users/me', body: admin },
    { path: '/api/v1/data-source', body: state },
    { path: '/api/v1/data-source/estimate', body: jquantsEstimate },
    { path: '/api/v1/jobs', body: [] },
    { path: '/api/v1/health', body: { status: 'ok', version: '0.1.0', data: { sources: ['demo'], demo: true, latest_bar_date: null, last_sync: null } } },
  ])
  renderWithProviders(<DataPage />, { route: '/data' })
  return api
}

function region(name: string | RegExp) {
  return screen.findByRole('region', { name })
}

afterEach(() => {
  vi.useRealTimers()
})

describe('DataPage', () => {
  it('shows what the database holds now and the active source', async () => {
    renderPage(demoState)
    const state = await region('現在のデータ')
    expect(within(state).getByText('デモデータ')).toHaveClass('chip--demo')
    expect(state).toHaveTextContent('取得元デモ（オフライン生成）')
    expect(state).toHaveTextContent('300 銘柄')
    expect(state).toHaveTextContent('2021/11/29〜2026/11/27')
    expect(state).toHaveTextContent('次回の同期に使うソースデモ（オフライン生成）')
    // Nothing to go back to: the demo is what is stored.
    expect(within(state).queryByRole('button', { name: 'デモデータに戻す' })).not.toBeInTheDocument()
    expect(screen.getByRole('radio', { name: 'J-Quants' })).toBeChecked()
  })

  it('J-Quants: the plans side by side, the key a password field, a refused key said under the field', async () => {
    const { calls } = renderPage(demoState, [
      {
        method: 'POST',
        path: '/api/v1/data-source/jquants/check',
        status: 422,
        body: { error: 'invalid_input', detail: 'J-Quants はこの API キーを受け付けませんでした。', field: 'api_key' },
      },
    ])
    const panel = await region('J-Quants API')
    expect(within(panel).getByText('未設定')).toBeInTheDocument()
    const plans = within(panel).getByRole('table', { name: 'J-Quants のプラン' })
    expect(within(plans).getByRole('row', { name: /Free（無料）/ })).toHaveTextContent('Free（無料）5 回2 年12 週間')
    expect(within(plans).getByRole('row', { name: /Premium/ })).toHaveTextContent('Premium500 回制限なしなし')
    expect(within(panel).getByText('キーを保存すると同期を開始できます。')).toBeInTheDocument()
    // What it costs decides the plan: the estimate is there before a key is pasted.
    expect(await within(panel).findByRole('region', { name: '最初の同期の見積もり' })).toHaveTextContent('1,012 回')

    // "Check key" with nothing typed: asked for, nothing sent.
    await userEvent.click(within(panel).getByRole('button', { name: 'キーを確認' }))
    const key = within(panel).getByLabelText('API キー')
    expect(key).toHaveAttribute('type', 'password')
    expect(key).toHaveAccessibleDescription(expect.stringContaining('API キーを入力してください'))
    expect(calls.some((call) => call.method === 'POST')).toBe(false)

    await userEvent.selectOptions(within(panel).getByLabelText('プラン'), 'light')
    await userEvent.type(key, 'wrong-key')
    await userEvent.click(within(panel).getByRole('button', { name: 'キーを確認' }))
    await waitFor(() => expect(key).toHaveAttribute('aria-invalid', 'true'))
    expect(key).toHaveAccessibleDescription(expect.stringContaining('J-Quants はこの API キーを受け付けませんでした。'))
    expect(JSON.parse(calls.find((call) => call.method === 'POST')!.body)).toEqual({ api_key: 'wrong-key', plan: 'light' })
    // The estimate follows the plan chosen.
    expect(calls.filter((call) => call.url.pathname.endsWith('/estimate')).map((call) => call.url.searchParams.get('plan'))).toEqual(['free', 'light'])
  })

  it('J-Quants: check, then save; the key is not kept in the page and the state says configured', async () => {
    let state = demoState
    const { calls } = renderPage(demoState, [
      { method: 'POST', path: '/api/v1/data-source/jquants/check', body: { ok: true, plan: 'free', listed_stocks: 4412 } },
      {
        method: 'PUT',
        path: '/api/v1/data-source/jquants',
        body: () => (state = configuredState),
      },
      { path: '/api/v1/data-source', body: () => state },
    ])
    const panel = await region('J-Quants API')
    const key = within(panel).getByLabelText('API キー')
    await userEvent.type(key, 'good-key')
    await userEvent.click(within(panel).getByRole('button', { name: 'キーを確認' }))
    expect(await within(panel).findByText('キーは有効です（上場銘柄 4,412 件を取得できました）。')).toBeInTheDocument()
    await userEvent.click(within(panel).getByRole('button', { name: '保存' }))
    expect(await within(panel).findByText('設定済み')).toBeInTheDocument()
    expect(panel).toHaveTextContent('プラン：Free（無料）・確認日時：2026/12/01 15:30')
    expect(key).toHaveValue('')
    expect(key).toHaveAttribute('placeholder', '保存済み（変更するときだけ入力）')
    expect(JSON.parse(calls.find((call) => call.method === 'PUT')!.body)).toEqual({ api_key: 'good-key', plan: 'free' })
  })

  it('J-Quants: the estimate before starting, and a confirmation that says the demo data will be replaced', async () => {
    const { calls } = renderPage(configuredState, [
      { method: 'POST', path: '/api/v1/data-source/activate', status: 202, body: queuedSync },
      { path: '/api/v1/jobs/7', body: queuedSync },
    ])
    const estimate = await region('最初の同期の見積もり')
    await waitFor(() => expect(estimate).toHaveTextContent('リクエスト数1,012 回'))
    expect(estimate).toHaveTextContent('所要時間（目安）約 3 時間 23 分')
    expect(estimate).toHaveTextContent('上限5 回 / 分')
    expect(estimate).toHaveTextContent('2024/09/06〜2026/09/04（490 営業日）')
    expect(estimate).toHaveTextContent('過去データの範囲2 年')
    expect(estimate).toHaveTextContent('データの遅延12 週間')
    expect(estimate).toHaveTextContent('Free プランのデータは 12 週間遅れです。')
    expect(calls.find((call) => call.url.pathname.endsWith('/estimate'))!.url.searchParams.get('source')).toBe('jquants')

    await userEvent.click(screen.getByRole('button', { name: 'J-Quants で同期を開始' }))
    const dialog = screen.getByRole('alertdialog', { name: 'J-Quants APIで同期を開始しますか？' })
    expect(dialog).toHaveTextContent('保存されているデモデータ（架空の企業・株価）はすべて削除され')
    expect(dialog).toHaveTextContent('見積もり：リクエスト 1,012 回・約 3 時間 23 分')
    expect(within(dialog).getByRole('button', { name: 'キャンセル' })).toHaveFocus()
    await userEvent.click(within(dialog).getByRole('button', { name: '開始する' }))

    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument())
    expect(JSON.parse(calls.find((call) => call.url.pathname.endsWith('/activate'))!.body)).toEqual({ source: 'jquants', confirm: true })
    const progress = await region('同期の進み具合')
    expect(progress).toHaveTextContent('データ同期 #7')
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'ワーカーが受け付けるのを待っています')
  })

  it('follows the running sync after a reload: phase, done/total, time left and the attempt', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    let job = runningSync
    let active = [runningSync]
    renderPage(configuredState, [
      { path: '/api/v1/jobs', body: (_request: Request, url: URL) => (url.searchParams.get('active') === 'true' && url.searchParams.get('kind') === 'sync' ? active : []) },
      { path: '/api/v1/jobs/7', body: () => job },
    ])
    const progress = await region('同期の進み具合')
    await waitFor(() => expect(progress).toHaveTextContent('段階prices 2025-03'))
    expect(progress).toHaveTextContent('進捗120 / 490')
    expect(progress).toHaveTextContent('残り時間（目安）残り約 25 分')
    expect(progress).toHaveTextContent('再開 2 回目')
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '24')
    // While it runs, nothing else starts.
    expect(screen.getByRole('button', { name: 'J-Quants で同期を開始' })).toBeDisabled()

    // It finishes: the active list is empty when read again, and the outcome stays on the page.
    active = []
    job = { ...runningSync, status: 'succeeded', finished_at: '2026-12-01T07:10:00Z', progress_done: 490, result: { stocks: 4412, bars: 2161880, fundamentals: 35000 } }
    await act(() => vi.advanceTimersByTimeAsync(2_000))
    await waitFor(() => expect(progress).toHaveTextContent('同期が完了しました。 4,412 銘柄・日足 2,161,880 本・財務 35,000 件を更新'))
    await act(() => vi.advanceTimersByTimeAsync(4_000))
    expect(await region('同期の進み具合')).toHaveTextContent('同期が完了しました。')
  })

  it('CSV: a dropped file is previewed, every error listed by file, row and column, and the import disabled', async () => {
    const { calls } = renderPage(demoState, [{ method: 'POST', path: '/api/v1/data-source/csv/preview', body: badPreview }])
    await userEvent.click(await screen.findByRole('radio', { name: 'CSV ファイル' }))
    const panel = await region('CSV ファイルから取り込む')
    const zone = panel.querySelector('[data-kind="bars"]')!
    const file = new File(['code,date\n'], 'prices.csv', { type: 'text/csv' })
    fireEvent.drop(zone, { dataTransfer: { files: [file] } })

    const errors = await region('エラー 1 件')
    const row = within(errors).getAllByRole('row')[1]!
    expect(row).toHaveTextContent('株価（日足）')
    expect(row).toHaveTextContent('3')
    expect(row).toHaveTextContent('close')
    expect(row).toHaveTextContent('数値ではありません：abc')
    const preview = within(panel).getByRole('table', { name: 'prices.csv（株価（日足））の先頭 2 行' })
    expect(within(preview).getAllByRole('row')).toHaveLength(3)
    expect(panel).toHaveTextContent('3 行・1 銘柄・2024/01/04〜2024/01/05・shift_jis')
    expect(within(panel).getByRole('button', { name: '取り込む' })).toBeDisabled()
    expect(panel).toHaveTextContent('エラーがあるため取り込めません')
    const sent = calls.find((call) => call.url.pathname.endsWith('/csv/preview'))!
    // (jsdom's File reaches Node's FormData without its name: the part's name is what is checked)
    expect(sent.body).toContain('Content-Disposition: form-data; name="bars"')
    expect(calls.some((call) => call.url.pathname.endsWith('/csv/import'))).toBe(false)
  })

  it('CSV: a good file imports after the demo replacement is ticked, then the job is followed', async () => {
    const { calls } = renderPage(demoState, [
      { method: 'POST', path: '/api/v1/data-source/csv/preview', body: goodPreview },
      { method: 'POST', path: '/api/v1/data-source/csv/import', status: 202, body: { ...queuedSync, params: { source: 'csv', replace: true } } },
      { path: '/api/v1/jobs/7', body: queuedSync },
    ])
    await userEvent.click(await screen.findByRole('radio', { name: 'CSV ファイル' }))
    const panel = await region('CSV ファイルから取り込む')
    const input = panel.querySelector<HTMLInputElement>('input[name="bars"]')!
    await userEvent.upload(input, new File(['code,date\n'], 'prices.csv', { type: 'text/csv' }))
    expect(await within(panel).findByText('エラーはありません。取り込めます。')).toBeInTheDocument()
    const importButton = within(panel).getByRole('button', { name: '取り込む' })
    expect(importButton).toBeDisabled()
    await userEvent.click(within(panel).getByRole('checkbox', { name: '保存されているデモデータを削除して置き換える' }))
    expect(importButton).toBeEnabled()
    await userEvent.click(importButton)
    expect(await region('同期の進み具合')).toHaveTextContent('データ同期 #7')
    const sent = calls.find((call) => call.url.pathname.endsWith('/csv/import'))!
    expect(sent.body).toMatch(/name="replace"\r\n\r\ntrue/)
  })

  it('CSV: a refused import (422) lists its errors like the preview', async () => {
    renderPage({ ...demoState, stored_data: 'real', stored_source: 'csv' }, [
      { method: 'POST', path: '/api/v1/data-source/csv/preview', body: goodPreview },
      {
        method: 'POST',
        path: '/api/v1/data-source/csv/import',
        status: 422,
        body: { error: 'invalid_input', detail: 'ファイルにエラーがあります。', errors: [{ file: 'bars', row: 9, column: 'date', message: '日付が重複しています', field: 'bars.9.date' }] },
      },
    ])
    await userEvent.click(await screen.findByRole('radio', { name: 'CSV ファイル' }))
    const panel = await region('CSV ファイルから取り込む')
    await userEvent.upload(panel.querySelector<HTMLInputElement>('input[name="bars"]')!, new File(['x'], 'prices.csv'))
    // Real data stored: no replacement to confirm.
    const importButton = await within(panel).findByRole('button', { name: '取り込む' })
    await waitFor(() => expect(importButton).toBeEnabled())
    expect(within(panel).queryByRole('checkbox')).not.toBeInTheDocument()
    await userEvent.click(importButton)
    const errors = await region('エラー 1 件')
    expect(errors).toHaveTextContent('日付が重複しています')
    expect(importButton).toBeDisabled()
  })

  it('yfinance: the caveats in plain sight, codes saved, a bad code said under the field', async () => {
    const { calls } = renderPage(demoState, [
      {
        method: 'PUT',
        path: '/api/v1/data-source/yfinance',
        status: 422,
        body: { error: 'invalid_input', detail: '銘柄コードが正しくありません：72O3', field: 'codes' },
      },
    ])
    await userEvent.click(await screen.findByRole('radio', { name: 'yfinance' }))
    const panel = await region('yfinance（Yahoo! Finance）')
    const note = within(panel).getByRole('note', { name: 'ご注意ください' })
    expect(note).toHaveTextContent('公式 API ではありません')
    expect(note).toHaveTextContent('予告なく取得できなくなる')
    expect(note).toHaveTextContent('個人的な利用に限られます')
    // Demo stocks are fictional: no names to pick from.
    expect(within(panel).queryByLabelText('銘柄名から追加')).not.toBeInTheDocument()

    const codes = within(panel).getByLabelText('銘柄コード')
    await userEvent.type(codes, '7203, 6758 72O3')
    expect(panel).toHaveTextContent('3 銘柄')
    await userEvent.click(within(panel).getByRole('button', { name: '銘柄を保存' }))
    await waitFor(() => expect(codes).toHaveAccessibleDescription(expect.stringContaining('銘柄コードが正しくありません：72O3')))
    expect(JSON.parse(calls.find((call) => call.method === 'PUT')!.body)).toEqual({ codes: ['7203', '6758', '72O3'] })
  })

  it('yfinance: names from the stored real stock list add their codes', async () => {
    const realState: DataSourceState = { ...demoState, stored_data: 'real', stored_source: 'jquants', active_source: 'yfinance', yfinance: { codes: ['7203'] } }
    renderPage(realState, [
      { path: '/api/v1/stocks', body: { items: [{ code: '6758', name: 'ソニーグループ', name_en: 'Sony Group', market: 'prime', sector_code: '3650', sector_name: '電気機器' }], total: 1 } },
      { path: '/api/v1/data-source/estimate', body: { ...jquantsEstimate, source: 'yfinance', plan: null, requests: 1, requests_per_minute: null, minutes: 0.2, history_years: null, delay_weeks: 0, notes: [] } },
    ])
    const panel = await region('yfinance（Yahoo! Finance）')
    await userEvent.type(within(panel).getByLabelText('銘柄名から追加'), 'ソニー')
    await userEvent.click(await within(panel).findByRole('button', { name: '6758 ソニーグループ を追加' }))
    expect(within(panel).getByLabelText('銘柄コード')).toHaveValue('7203, 6758')
    // Unsaved codes: the sync would not fetch them yet.
    expect(within(panel).getByRole('button', { name: 'yfinance で同期を開始' })).toBeDisabled()
    // Real data stored: going back to the demo is offered, confirmed.
    await userEvent.click(screen.getByRole('button', { name: 'デモデータに戻す' }))
    expect(screen.getByRole('alertdialog')).toHaveTextContent('保存されている実データはすべて削除され、デモデータに置き換わります。')
  })

  it('says the page is for administrators to anyone else', async () => {
    const { calls } = mockApi([{ path: '/api/v1/users/me', body: { ...admin, is_admin: false } }])
    renderWithProviders(<DataPage />, { route: '/data' })
    expect(await screen.findByText('このページは管理者だけが使えます。')).toBeInTheDocument()
    expect(calls.some((call) => call.url.pathname.startsWith('/api/v1/data-source'))).toBe(false)
  })

  it('speaks English', async () => {
    await i18n.changeLanguage('en')
    renderPage(configuredState, [{ path: '/api/v1/jobs', body: (_r: Request, url: URL) => (url.searchParams.get('active') ? [runningSync] : []) }, { path: '/api/v1/jobs/7', body: runningSync }])
    const state = await region('Current data')
    expect(state).toHaveTextContent('Demo data')
    expect(state).toHaveTextContent('300 stocks')
    const progress = await region('Sync progress')
    await waitFor(() => expect(progress).toHaveTextContent('about 25 min left'))
    expect(progress).toHaveTextContent('Attempt 2')
    expect(await region('Estimate of the first sync')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Start the J-Quants sync' })).toBeDisabled()
  })
})
