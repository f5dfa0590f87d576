import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import { useFormat } from '@/lib/format'
import { useVersions } from '../hooks/queries'
import { usePoliciesT } from '../i18n'
import { diffSnapshots, type Change, type DiffField } from '../model/diff'
import type { PolicyVersion, Rule, Vocabulary } from '../model/types'
import { useMetricLabels, useRuleText } from './labels'

interface VersionHistoryProps {
  policyId: number
  vocabulary: Vocabulary
}

/** Every version, newest first, with what changed since the one before. */
export function VersionHistory({ policyId, vocabulary }: VersionHistoryProps) {
  const { t } = usePoliciesT()
  const versions = useVersions(policyId)
  if (versions.isPending) return <SkeletonBlock lines={3} lineHeight={44} />
  if (versions.isError) return <ErrorMessage error={versions.error} onRetry={() => void versions.refetch()} compact />
  const items = versions.data
  return (
    <>
      <p className="muted pol-versions__lead">{t('versions.lead')}</p>
      <ol className="pol-versions">
        {items.map((version, i) => (
          <VersionItem
            key={version.version}
            version={version}
            previous={items[i + 1]}
            current={i === 0}
            vocabulary={vocabulary}
          />
        ))}
      </ol>
    </>
  )
}

interface VersionItemProps {
  version: PolicyVersion
  previous: PolicyVersion | undefined
  current: boolean
  vocabulary: Vocabulary
}

function VersionItem({ version, previous, current, vocabulary }: VersionItemProps) {
  const { t } = usePoliciesT()
  const fmt = useFormat()
  const labels = useMetricLabels(vocabulary)
  const ruleText = useRuleText(labels)
  const changes = previous ? diffSnapshots(previous.snapshot, version.snapshot) : null
  const rules = (version.snapshot.rules ?? []) as unknown as Rule[]

  const fieldValue = (field: DiffField, value: string | number | null): string => {
    if (value === null || value === '') return t('versions.empty')
    switch (field) {
      case 'style':
        return t(`style.${value as 'value'}`, { defaultValue: String(value) })
      case 'horizon':
        return t(`horizon.${value as 'short'}`, { defaultValue: String(value) })
      case 'target_return_pct':
      case 'stop_loss_pct':
      case 'trailing_stop_pct':
        return `${fmt.number(Number(value), Number.isInteger(Number(value)) ? 0 : 1)}%`
      default:
        return String(value)
    }
  }

  const describe = (change: Change) => {
    switch (change.kind) {
      case 'field':
        return (
          <>
            <span className="pol-change__what">{t(`versions.field.${change.field}`)}</span>
            <span className="pol-change__before">{fieldValue(change.field, change.before)}</span>
            <span aria-hidden="true"> → </span>
            <span className="pol-change__after">{fieldValue(change.field, change.after)}</span>
          </>
        )
      case 'weight':
        return (
          <>
            <span className="pol-change__what">{t('versions.weight', { part: t(`part.${change.part as 'trend'}`, { defaultValue: change.part }) })}</span>
            <span className="pol-change__before">{t('weights.value', { value: fmt.number(change.before, 1) })}</span>
            <span aria-hidden="true"> → </span>
            <span className="pol-change__after">{t('weights.value', { value: fmt.number(change.after, 1) })}</span>
          </>
        )
      case 'ruleAdded':
        return (
          <>
            <span className="pol-change__what pol-change__what--added">{t('versions.ruleAdded')}</span>
            <span className="pol-change__after">{ruleText(change.rule, true)}</span>
          </>
        )
      case 'ruleRemoved':
        return (
          <>
            <span className="pol-change__what pol-change__what--removed">{t('versions.ruleRemoved')}</span>
            <del className="pol-change__before">{ruleText(change.rule, true)}</del>
          </>
        )
      case 'ruleChanged':
        return (
          <>
            <span className="pol-change__what">{t('versions.ruleChanged')}</span>
            <span className="pol-change__before">{ruleText(change.before, true)}</span>
            <span aria-hidden="true"> → </span>
            <span className="pol-change__after">{ruleText(change.after, true)}</span>
          </>
        )
    }
  }

  return (
    <li className="pol-version">
      <div className="pol-version__head">
        <span className="pol-version__number">{t('versionN', { n: version.version })}</span>
        {current ? <span className="chip chip--ok chip--small">{t('versions.current')}</span> : null}
        <time className="muted pol-version__date" dateTime={version.created_at}>
          {fmt.dateTime(version.created_at)}
        </time>
      </div>
      {changes === null ? (
        <p className="muted pol-version__first">{t('versions.first')}</p>
      ) : changes.length === 0 ? (
        <p className="muted">{t('versions.noChanges')}</p>
      ) : (
        <ul className="pol-changes">
          {changes.map((change, i) => (
            <li key={i} className={`pol-change pol-change--${change.kind}`}>
              {describe(change)}
            </li>
          ))}
        </ul>
      )}
      <details className="pol-version__rules">
        <summary>{t('versions.showSnapshot')}</summary>
        <ul>
          {rules.map((rule, i) => (
            <li key={i}>{ruleText(rule, true)}</li>
          ))}
        </ul>
      </details>
    </li>
  )
}
