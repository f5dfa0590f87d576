import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import i18n from '@/lib/i18n'
import { mockApi, type MockRoute } from '@/test/fetchMock'
import { renderWithProviders } from '@/test/render'
import policy from '../fixtures/policy-momentum.json'
import versions from '../fixtures/versions-momentum.json'
import vocabulary from '../fixtures/vocabulary.json'
import { PolicyEditorPage } from './PolicyEditorPage'

// Recorded from the API: the momentum preset (policy 2) after one edit, its versions and the vocabulary.
function renderEditor(extra: MockRoute[] = [], { state, version }: { state?: unknown; version?: number } = {}) {
  const api = mockApi([
    { path: '/api/v1/policies/vocabulary', body: vocabulary },
    { path: '/api/v1/policies/2', body: version === undefined ? policy : { ...policy, version } },
    { path: '/api/v1/policies/2/versions', body: versions },
    ...extra,
  ])
  renderWithProviders(<PolicyEditorPage />, { route: '/policies/2', path: '/policies/:id', state, dataRouter: true })
  return api
}

const rule = (n: number) => screen.getByRole('group', { name: new RegExp(`^ルール ${n}`) })

describe('PolicyEditorPage: the rule builder', () => {
  it('shows the policy with each rule in words and units', async () => {
    renderEditor()
    expect(await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り）' })).toBeInTheDocument()
    expect(screen.getByLabelText('方針名')).toHaveValue('モメンタム投資（順張り）')
    expect(screen.getByLabelText('目標利回り')).toHaveValue('25')
    expect(screen.getAllByRole('listitem').filter((li) => li.classList.contains('pol-rule'))).toHaveLength(7)
    expect(within(rule(1)).getByRole('combobox', { name: '指標' })).toHaveValue('終値（調整後）')
    expect(within(rule(1)).getByRole('switch', { name: '必須' })).toBeChecked()
    expect(within(rule(5)).getByLabelText('下限')).toHaveValue('50')
    expect(within(rule(2)).getByLabelText('短期線')).toHaveValue('sma_25')
    expect(screen.getByRole('slider', { name: 'トレンド' })).toHaveAttribute('aria-valuetext', '×2.5')
  })

  it('validates as you type: a missing value, min > max, and a reversed cross pair with a fix', async () => {
    renderEditor()
    await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り）' })

    const value = within(rule(3)).getByLabelText('値')
    await userEvent.clear(value)
    expect(value).toHaveAttribute('aria-invalid', 'true')
    expect(value).toHaveAccessibleDescription('% 入力してください')
    await userEvent.type(value, '1.2.')
    expect(value).toHaveAccessibleDescription('% 数値を入力してください')
    await userEvent.type(value, '{Backspace}')
    expect(value).not.toHaveAttribute('aria-invalid')

    const min = within(rule(5)).getByLabelText('下限')
    await userEvent.clear(min)
    await userEvent.type(min, '80')
    expect(within(rule(5)).getByRole('alert')).toHaveTextContent('下限（80）が上限（75）より大きくなっています')
    expect(min).toHaveAttribute('aria-invalid', 'true')
    expect(within(rule(5)).getByLabelText('上限')).toHaveAttribute('aria-invalid', 'true')

    await userEvent.selectOptions(within(rule(2)).getByLabelText('短期線'), 'sma_75')
    await userEvent.selectOptions(within(rule(2)).getByLabelText('長期線'), 'sma_25')
    expect(within(rule(2)).getByRole('alert')).toHaveTextContent(
      '短期線と長期線が逆です：25日移動平均 を短期線、75日移動平均 を長期線にしてください',
    )
    await userEvent.click(within(rule(2)).getByRole('button', { name: /入れ替える/ }))
    expect(within(rule(2)).queryByRole('alert')).not.toBeInTheDocument()
    expect(within(rule(2)).getByLabelText('短期線')).toHaveValue('sma_25')

    expect(screen.getByText('未保存の変更があります')).toBeInTheDocument()
  })

  it('does not send a policy with problems: it says how many and focuses the first', async () => {
    const { calls } = renderEditor()
    await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り）' })
    await userEvent.clear(screen.getByLabelText('損切りライン'))
    await userEvent.type(screen.getByLabelText('損切りライン'), '120')
    await userEvent.clear(within(rule(4)).getByLabelText('値'))
    await userEvent.click(screen.getByRole('button', { name: '保存' }))

    expect(screen.getByText('保存する前に 2 件の問題を直してください。')).toBeInTheDocument()
    await waitFor(() => expect(screen.getByLabelText('損切りライン')).toHaveFocus())
    expect(screen.getByLabelText('損切りライン')).toHaveAccessibleDescription(/100 未満にしてください/)
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)
  })

  it('adds a rule from the keyboard with the searchable metric picker', async () => {
    renderEditor()
    await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り）' })
    await userEvent.click(screen.getByRole('button', { name: /ルールを追加/ }))
    const picker = within(rule(8)).getByRole('combobox', { name: '指標' })
    await waitFor(() => expect(picker).toHaveFocus())
    expect(within(rule(8)).getByText('指標を選んでください')).toBeInTheDocument()

    await userEvent.keyboard('配当')
    const options = screen.getAllByRole('option')
    expect(options.map((o) => o.textContent)).toEqual(
      expect.arrayContaining([expect.stringContaining('配当利回り（予想）'), expect.stringContaining('配当性向')]),
    )
    await userEvent.keyboard('利回り{ArrowDown}{Enter}')
    expect(picker).toHaveValue('配当利回り（予想）')
    expect(picker).toHaveAttribute('aria-expanded', 'false')
    expect(within(rule(8)).getByLabelText('値')).toHaveAccessibleDescription(/%/)

    await userEvent.type(within(rule(8)).getByLabelText('値'), '3.5')
    expect(within(rule(8)).queryByText('入力してください')).not.toBeInTheDocument()
    expect(screen.getByText('8 / 50 件')).toBeInTheDocument()
  })

  it('shows the server’s 422 at the rule it names, sending expected_version', async () => {
    const { calls } = renderEditor([
      {
        method: 'PUT',
        path: '/api/v1/policies/2',
        status: 422,
        body: {
          error: 'validation_error',
          detail: "rules.3.metric: unknown metric 'volume_ratio_20'; did you mean 'volume_ratio_5'?",
          field: 'rules.3.metric',
          errors: [{ field: 'rules.3.metric', message: "unknown metric 'volume_ratio_20'; did you mean 'volume_ratio_5'?" }],
        },
      },
    ])
    await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り）' })
    await userEvent.click(screen.getByRole('button', { name: '保存' }))

    const picker = within(rule(4)).getByRole('combobox', { name: '指標' })
    await waitFor(() => expect(picker).toHaveFocus())
    expect(picker).toHaveAttribute('aria-invalid', 'true')
    expect(picker).toHaveAccessibleDescription("unknown metric 'volume_ratio_20'; did you mean 'volume_ratio_5'?")
    expect(screen.getAllByRole('alert')[0]).toHaveTextContent('サーバーが保存を受け付けませんでした')
    expect(within(rule(3)).getByRole('combobox', { name: '指標' })).not.toHaveAttribute('aria-invalid')

    const put = calls.find((c) => c.method === 'PUT')!
    const body = JSON.parse(put.body)
    expect(body.expected_version).toBe(2)
    expect(body.rules).toHaveLength(7)
    expect(body.rules[4]).toEqual({ type: 'range', metric: 'rsi_14', min: 50, max: 75, weight: 1, required: false, label: null })

    // Editing the rule takes the server's message away.
    await userEvent.click(picker)
    await userEvent.keyboard('ADX{Enter}')
    expect(picker).toHaveValue('ADX(14)')
    expect(picker).not.toHaveAttribute('aria-invalid')
  })

  it('shows a 422 about a whole rule on that rule and focuses its first field', async () => {
    let answer = 0
    renderEditor([
      {
        method: 'PUT',
        path: '/api/v1/policies/2',
        status: 422,
        body: () => {
          answer += 1
          return answer === 1
            ? {
                error: 'validation_error',
                detail: 'rules.1: unsupported cross pair (sma_25, sma_75)',
                field: 'rules.1',
                errors: [{ field: 'rules.1', message: 'unsupported cross pair (sma_25, sma_75)' }],
              }
            : null
        },
      },
    ])
    await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り）' })
    await userEvent.click(screen.getByRole('button', { name: '保存' }))
    expect(await within(rule(2)).findByRole('alert')).toHaveTextContent('サーバー：unsupported cross pair (sma_25, sma_75)')
    await waitFor(() => expect(within(rule(2)).getByLabelText('短期線')).toHaveFocus())
  })

  it('says a 409 means the policy changed elsewhere and reloads it', async () => {
    const { calls } = renderEditor([
      {
        method: 'PUT',
        path: '/api/v1/policies/2',
        status: 409,
        body: { error: 'conflict', detail: 'Policy 2 is at version 3, not 2: it was changed elsewhere.', field: 'expected_version' },
      },
    ])
    await screen.findByRole('heading', { level: 1, name: 'モメンタム投資（順張り）' })
    await userEvent.clear(screen.getByLabelText('方針名'))
    await userEvent.type(screen.getByLabelText('方針名'), '新しい名前')
    await userEvent.click(screen.getByRole('button', { name: '保存' }))
    expect(await screen.findByText('他の画面で変更されています')).toBeInTheDocument()
    const gets = () => calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/v1/policies/2').length
    const before = gets()
    await userEvent.click(screen.getByRole('button', { name: '最新を読み込む' }))
    await waitFor(() => expect(gets()).toBe(before + 1))
    await waitFor(() => expect(screen.getByLabelText('方針名')).toHaveValue('モメンタム投資（順張り）'))
    expect(screen.queryByText('他の画面で変更されています')).not.toBeInTheDocument()
  })

  it('lists the versions with what changed, in English too', async () => {
    await i18n.changeLanguage('en')
    renderEditor()
    const history = await screen.findByRole('region', { name: 'Versions' })
    const items = await within(history).findAllByRole('listitem')
    const v2 = items.find((item) => item.textContent?.startsWith('v2'))!
    expect(v2).toHaveTextContent('Target return20% → 25%')
    expect(v2).toHaveTextContent('Weight: Trend×2.0 → ×2.5')
    expect(v2).toHaveTextContent('Rule changed60-day return ≥ 10% (weight 1.5) → 60-day return ≥ 15% (weight 1.5)')
    expect(v2).toHaveTextContent('Rule addedPER (trailing) ≤ 30xRule removed')
    expect(v2).toHaveTextContent('Rule removedADX(14) ≥ 25')
    expect(within(history).getByText('First version')).toBeInTheDocument()
  })
})

describe('PolicyEditorPage: leaving and the "created" badge', () => {
  it('asks before leaving with unsaved changes, and stays or leaves as told', async () => {
    renderEditor()
    const name = await screen.findByLabelText('方針名')
    await userEvent.type(name, '（改）')
    await userEvent.click(screen.getByRole('link', { name: /方針の一覧へ/ }))

    const ask = await screen.findByRole('alertdialog', { name: '保存していない変更があります' })
    expect(screen.getByTestId('location')).toHaveTextContent('/policies/2')
    // "Stay" has the focus: Enter keeps the edit
    expect(within(ask).getByRole('button', { name: 'このページに残る' })).toHaveFocus()
    await userEvent.keyboard('{Enter}')
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
    expect(screen.getByLabelText('方針名')).toHaveValue('モメンタム投資（順張り）（改）')

    await userEvent.click(screen.getByRole('link', { name: /方針の一覧へ/ }))
    await userEvent.click(await screen.findByRole('button', { name: '変更を破棄して移動' }))
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/policies$/))
  })

  it('leaves without asking when nothing changed', async () => {
    renderEditor()
    await screen.findByLabelText('方針名')
    await userEvent.click(screen.getByRole('link', { name: /方針の一覧へ/ }))
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/policies$/))
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
  })

  it('shows "created" only while the new policy is at v1', async () => {
    renderEditor([], { state: { created: true }, version: 1 })
    expect(await screen.findByText('作成しました')).toBeInTheDocument()
  })

  it('drops "created" once there is a v2', async () => {
    renderEditor([], { state: { created: true }, version: 2 })
    await screen.findByText(/^v2・/)
    expect(screen.queryByText('作成しました')).not.toBeInTheDocument()
  })
})
