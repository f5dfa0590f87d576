import { useEffect, useRef, useState } from 'react'
import { Link, useLocation } from 'react-router'
import { Card } from '@/components/Card'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { usePolicies } from '@/lib/api/policies'
import { useFormat } from '@/lib/format'
import { usePageTitle } from '@/lib/usePageTitle'
import { usePoliciesT } from '../i18n'
import type { PolicyRead } from '../model/types'
import { DeletePolicyDialog } from './DeletePolicyDialog'
import { Dialog } from './Dialog'
import { plainNumber } from './labels'
import { PresetGallery } from './PresetGallery'
import '../policies.css'

const ROW_HEIGHT = 57

function RiskDots({ value }: { value: number }) {
  const { t } = usePoliciesT()
  return (
    <span className="pol-risk-dots" role="img" aria-label={t('riskOf', { n: value })} title={t('riskOf', { n: value })}>
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} className={n <= value ? 'pol-risk-dots__on' : 'pol-risk-dots__off'} />
      ))}
    </span>
  )
}

/** /policies: your policies, "New policy" from a preset, edit and delete. */
export function PoliciesPage() {
  const { t } = usePoliciesT()
  const fmt = useFormat()
  const location = useLocation()
  const policies = usePolicies()
  const [choosing, setChoosing] = useState(false)
  const [deleting, setDeleting] = useState<PolicyRead | null>(null)
  const [deleted, setDeleted] = useState<string | null>((location.state as { deleted?: string } | null)?.deleted ?? null)
  const headingRef = useRef<HTMLHeadingElement>(null)
  usePageTitle(t('title'))

  // The deleted row (and the button that opened the dialog) is gone: put the focus on the heading.
  useEffect(() => {
    if (deleted && !deleting) headingRef.current?.focus()
  }, [deleted, deleting])

  const items = policies.data?.items ?? []

  return (
    <div className="page pol-page">
      <div className="pol-page__head">
        <div>
          <h1 className="page__title" ref={headingRef} tabIndex={-1}>
            {t('title')}
          </h1>
          <p className="muted">{t('lead')}</p>
        </div>
        {items.length ? (
          <button type="button" className="button button--primary" onClick={() => setChoosing(true)}>
            <span aria-hidden="true">+</span> {t('newPolicy')}
          </button>
        ) : null}
      </div>
      <p className="card__status pol-status" role="status">
        {deleted ? t('deleteDialog.deleted', { name: deleted }) : ''}
      </p>

      {policies.isPending ? (
        <Card>
          <div className="table-skeleton" aria-busy="true" style={{ height: 41 + 3 * ROW_HEIGHT }}>
            <span className="visually-hidden">{t('title')}</span>
            {Array.from({ length: 4 }, (_, i) => (
              <Skeleton key={i} height={i === 0 ? 29 : ROW_HEIGHT - 12} />
            ))}
          </div>
        </Card>
      ) : policies.isError ? (
        <ErrorMessage error={policies.error} onRetry={() => void policies.refetch()} />
      ) : items.length === 0 ? (
        <Card>
          <EmptyState title={t('emptyTitle')} icon="✎">
            <p>{t('emptyBody')}</p>
          </EmptyState>
          <h2 className="subheading pol-empty__presets">{t('fromPreset')}</h2>
          <PresetGallery headingLevel={3} />
        </Card>
      ) : (
        <Card>
          <div className="table-wrap">
            <table className="table table--cards pol-table" aria-label={t('listLabel')}>
              <thead>
                <tr>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('col.style')}</th>
                  <th scope="col">{t('col.horizon')}</th>
                  <th scope="col">{t('col.risk')}</th>
                  <th scope="col" className="num">
                    {t('col.targetStop')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.version')}
                  </th>
                  <th scope="col">{t('col.updated')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((policy) => (
                  <tr key={policy.id}>
                    <th scope="row" className="pol-table__name">
                      <Link to={`/policies/${policy.id}`} className="pol-table__link">
                        {policy.name}
                      </Link>
                      <span className="pol-table__rules muted">{t('rulesCount', { n: policy.rules.length })}</span>
                    </th>
                    <td data-label={t('col.style')}>
                      <span className={`pol-style pol-style--${policy.style}`}>{t(`style.${policy.style}`)}</span>
                    </td>
                    <td data-label={t('col.horizon')}>{t(`horizonShort.${policy.horizon}`)}</td>
                    <td data-label={t('col.risk')}>
                      <RiskDots value={policy.risk_tolerance} />
                    </td>
                    <td className="num" data-label={t('col.targetStop')}>
                      <span className="nowrap">
                        <span className="text-up">+{plainNumber(policy.target_return_pct, fmt.lang)}%</span>
                        {' / '}
                        <span className="text-down">−{plainNumber(policy.stop_loss_pct, fmt.lang)}%</span>
                      </span>
                    </td>
                    <td className="num" data-label={t('col.version')}>
                      {t('versionN', { n: policy.version })}
                    </td>
                    <td data-label={t('col.updated')}>
                      <time dateTime={policy.updated_at}>{fmt.date(policy.updated_at)}</time>
                    </td>
                    <td className="pol-table__actions">
                      <Link className="button button--small" to={`/policies/${policy.id}`} aria-label={t('editNamed', { name: policy.name })}>
                        {t('edit')}
                      </Link>
                      <button
                        type="button"
                        className="button button--small pol-button--danger-outline"
                        aria-label={t('deleteNamed', { name: policy.name })}
                        onClick={() => setDeleting(policy)}
                      >
                        {t('delete')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}

      {choosing ? (
        <Dialog title={t('presets.title')} onClose={() => setChoosing(false)} size="lg">
          <p className="muted pol-presets__lead">{t('presets.lead')}</p>
          <PresetGallery headingLevel={3} />
        </Dialog>
      ) : null}
      {deleting ? (
        <DeletePolicyDialog
          policy={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={(name) => {
            setDeleting(null)
            setDeleted(name)
          }}
        />
      ) : null}
    </div>
  )
}
