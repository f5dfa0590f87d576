import { useId } from 'react'
import { useNavigate } from 'react-router'
import { ErrorMessage } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { useFormat } from '@/lib/format'
import { useCreateFromPreset, usePresets } from '../hooks/queries'
import { usePoliciesT } from '../i18n'
import type { Preset } from '../model/types'
import { uiLanguage } from './labels'

/**
 * One card per style's preset: create it as it is (POST /policies/from-preset/{style}) and open
 * it, or open the editor filled with it (saved with POST /policies).
 */
export function PresetGallery({ headingLevel = 3 }: { headingLevel?: 2 | 3 }) {
  const { i18n } = usePoliciesT()
  const lang = uiLanguage(i18n.language)
  const presets = usePresets(lang)
  const create = useCreateFromPreset()
  const navigate = useNavigate()

  if (presets.isPending) {
    return (
      <ul className="pol-presets" aria-busy="true">
        {Array.from({ length: 6 }, (_, i) => (
          <li key={i} className="pol-preset pol-preset--skeleton">
            <Skeleton height={22} width="70%" />
            <Skeleton height={60} />
            <Skeleton height={34} width="80%" />
          </li>
        ))}
      </ul>
    )
  }
  if (presets.isError) return <ErrorMessage error={presets.error} onRetry={() => void presets.refetch()} />

  return (
    <>
      {create.isError ? <ErrorMessage error={create.error} compact /> : null}
      <ul className="pol-presets">
        {presets.data.map((preset) => (
          <PresetCard
            key={preset.style}
            preset={preset}
            lang={lang}
            headingLevel={headingLevel}
            busy={create.isPending}
            creating={create.isPending && create.variables === preset.style}
            onCreate={() =>
              create.mutate(preset.style, {
                onSuccess: (policy) => navigate(`/policies/${policy.id}`, { state: { created: true } }),
              })
            }
            onCustomize={() => navigate(`/policies/new?preset=${preset.style}`)}
          />
        ))}
      </ul>
    </>
  )
}

interface PresetCardProps {
  preset: Preset
  lang: 'ja' | 'en'
  headingLevel: 2 | 3
  busy: boolean
  creating: boolean
  onCreate: () => void
  onCustomize: () => void
}

function PresetCard({ preset, lang, headingLevel, busy, creating, onCreate, onCustomize }: PresetCardProps) {
  const { t } = usePoliciesT()
  const fmt = useFormat()
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  const name = lang === 'en' ? preset.name_en : preset.name_ja
  const description = lang === 'en' ? preset.description_en : preset.description_ja
  const { policy } = preset
  const headingId = useId()
  return (
    <li className="pol-preset">
      <div className="pol-preset__head">
        <span className={`pol-style pol-style--${preset.style}`}>{t(`style.${preset.style}`)}</span>
        <Heading className="pol-preset__name" id={headingId}>
          {name}
        </Heading>
      </div>
      <p className="pol-preset__description">{description}</p>
      <p className="pol-preset__facts">
        {t('presets.facts', {
          horizon: t(`horizonShort.${policy.horizon}`),
          target: fmt.number(policy.target_return_pct, 0),
          stop: fmt.number(policy.stop_loss_pct, 0),
          rules: policy.rules?.length ?? 0,
        })}
      </p>
      <div className="pol-preset__actions">
        <button type="button" className="button button--primary button--small" onClick={onCreate} disabled={busy} aria-describedby={headingId}>
          {creating ? t('presets.creating') : t('presets.createAsIs')}
        </button>
        <button type="button" className="button button--small" onClick={onCustomize} disabled={busy} aria-describedby={headingId}>
          {t('presets.customize')}
        </button>
      </div>
    </li>
  )
}
