import { act, render, screen } from '@testing-library/react'
import { ApiError } from '@/lib/api/errors'
import { JobConflictError } from '@/lib/api/jobs'
import type { JobRead } from '@/lib/api/types'
import i18n from '@/lib/i18n'
import recent from '@/test/fixtures/jobs-recent.json'
import { JobProgress } from './JobProgress'
import { JobStatusBadge } from './JobStatusBadge'
import { type JobText, useJobText } from './useJobText'

// Jobs recorded from the API: a sync that found nothing new, the first load (300 stocks), a
// metrics refresh, and a J-Quants sync without an API key.
const [failedSync, refresh, nothingNew, first] = recent as JobRead[]

/** Renders whatever `use` says with the job words of the current language. */
function Say({ use }: { use: (text: JobText) => string | null }) {
  return <output>{use(useJobText()) ?? '(nothing)'}</output>
}

function say(use: (text: JobText) => string | null): string | null {
  const { unmount } = render(<Say use={use} />)
  const said = screen.getByRole('status').textContent
  unmount()
  return said
}

describe('useJobText', () => {
  it('says what a finished job did', () => {
    expect(say((text) => text.result(first!))).toBe('300 銘柄・日足 359,700 本・財務 7,200 件を更新')
  })

  it('says when a sync found nothing new', () => {
    expect(say((text) => text.result(nothingNew!))).toBe('新しいデータはありませんでした')
  })

  it('reports a refresh in English', async () => {
    await i18n.changeLanguage('en')
    expect(say((text) => text.result(refresh!))).toBe('Metrics recomputed for 300 stocks')
  })

  it('has no outcome for a failed job: its error says it', () => {
    expect(say((text) => text.result(failedSync!))).toBe('(nothing)')
  })

  it('says how long a job took', () => {
    expect(say((text) => text.duration(first!.started_at, first!.finished_at))).toBe('17 秒')
    expect(say((text) => text.duration('2026-12-01T09:00:00Z', '2026-12-01T09:01:05Z'))).toBe('1 分 5 秒')
  })

  it('names the step: a chunk of dates, of codes, the metrics', () => {
    expect(say((text) => text.step('2022-01-04…2022-03-03'))).toBe('2022/01/04〜2022/03/03 の株価')
    expect(say((text) => text.step('1301…1400'))).toBe('1301〜1400')
    expect(say((text) => text.step('disclosures 2023-01-04…2023-02-01'))).toBe('2023/01/04〜2023/02/01 の決算・財務情報')
    expect(say((text) => text.step('metrics'))).toBe('指標とスコアを計算しています')
  })

  it('names the job in the way of a 409 in the reader’s language', async () => {
    const error = new JobConflictError(
      new ApiError(409, { error: 'conflict', detail: 'A refresh job is already queued or running (#3, running).' }),
      'refresh',
      { ...refresh!, status: 'running' },
    )
    expect(say((text) => text.conflict(error))).toBe('指標の再計算（#3）がすでに実行中です。終わるまでお待ちください。')
    await i18n.changeLanguage('en')
    expect(say((text) => text.conflict(error))).toBe('Metrics refresh #3 is already running. Please wait until it has finished.')
    expect(say((text) => text.conflict(new ApiError(500, null)))).toBe('(nothing)')
  })
})

describe('JobProgress', () => {
  it('measures a job with several steps', () => {
    render(<JobProgress job={{ kind: 'sync', status: 'running', progress_done: 6, progress_total: 30, progress_label: '2022-07-01…2022-08-29' }} />)
    const bar = screen.getByRole('progressbar', { name: 'データ同期の進み具合' })
    expect(bar).toHaveAttribute('aria-valuenow', '20')
    expect(bar).toHaveAttribute('aria-valuetext', '20% · 2022/07/01〜2022/08/29 の株価')
  })

  it('does not measure a single step (the metrics), nor a job just starting', () => {
    const { rerender } = render(
      <JobProgress job={{ kind: 'refresh', status: 'running', progress_done: 0, progress_total: 1, progress_label: 'metrics' }} />,
    )
    expect(screen.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow')
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '指標とスコアを計算しています')
    rerender(<JobProgress job={{ kind: 'sync', status: 'running', progress_done: 0, progress_total: 0, progress_label: '' }} />)
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '開始しています…')
  })
})

describe('JobStatusBadge', () => {
  it('says the status in words, not colour alone', async () => {
    render(<JobStatusBadge status="queued" />)
    expect(screen.getByText(/待機中/)).toHaveClass('status--queued')
    await act(() => i18n.changeLanguage('en'))
    expect(await screen.findByText(/Queued/)).toHaveClass('status--queued')
  })
})
