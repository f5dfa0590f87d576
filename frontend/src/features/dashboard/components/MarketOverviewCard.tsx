import { Card } from '@/components/Card'
import { Change } from '@/components/Change'
import { EmptyState } from '@/components/EmptyState'
import { ErrorMessage } from '@/components/ErrorMessage'
import { SkeletonBlock } from '@/components/Skeleton'
import type { MarketOverview, SectorMove } from '@/lib/api/types'
import { useFormat, type Formatters } from '@/lib/format'
import { sectorName } from '@/lib/stockNames'
import { useMarketOverview } from '../hooks/queries'
import { useMarketT, type MarketT } from '../marketI18n'

/** How many sectors each end of the ranking shows before "all sectors". */
const SECTORS_EACH_END = 3

/**
 * The latest session at a glance (GET /market/overview): the benchmark — the stored index (TOPIX,
 * or the demo's fictional one, named as such) when it has the session, else the equal-weight
 * average of the universe, named as such —, the advance/decline breadth and the sectors that moved
 * most, with every sector one click away.
 */
export function MarketOverviewCard() {
  const { t, i18n } = useMarketT()
  const fmt = useFormat()
  const overview = useMarketOverview()

  if (overview.isPending) {
    return (
      <Card title={t('title')} id="market-overview">
        <div style={{ minHeight: 180 }}>
          <SkeletonBlock lines={4} lineHeight={28} />
        </div>
      </Card>
    )
  }
  if (overview.isError) {
    return (
      <Card title={t('title')} id="market-overview">
        <ErrorMessage error={overview.error} onRetry={() => void overview.refetch()} />
      </Card>
    )
  }
  const data = overview.data
  if (!data.as_of || data.stocks === 0) {
    return (
      <Card title={t('title')} id="market-overview">
        <EmptyState title={t('empty')} icon="○" />
      </Card>
    )
  }
  const { advancers: up, decliners: down, unchanged: flat, stocks: n } = data
  const sectors = data.sectors
  const split = sectors.length > SECTORS_EACH_END * 2
  const strongest = split ? sectors.slice(0, SECTORS_EACH_END) : sectors
  const weakest = split ? sectors.slice(-SECTORS_EACH_END).reverse() : []
  return (
    <Card title={t('title')} id="market-overview" className="market-overview">
      <p className="market-overview__asof muted">{t('asOf', { date: fmt.date(data.as_of) })}</p>
      <Benchmark data={data} fmt={fmt} t={t} />
      <div className="market-overview__breadth">
        <span className="market-overview__label">{t('breadth')}</span>
        <div className="breadth-bar" role="img" aria-label={t('breadthLabel', { up, down, flat, n })}>
          <span className="breadth-bar__up" style={{ flexGrow: up }} />
          <span className="breadth-bar__flat" style={{ flexGrow: flat }} />
          <span className="breadth-bar__down" style={{ flexGrow: down }} />
        </div>
        <dl className="breadth-counts">
          <div>
            <dt>{t('advancers')}</dt>
            <dd className="text-up">{fmt.number(up)}</dd>
          </div>
          <div>
            <dt>{t('unchanged')}</dt>
            <dd>{fmt.number(flat)}</dd>
          </div>
          <div>
            <dt>{t('decliners')}</dt>
            <dd className="text-down">{fmt.number(down)}</dd>
          </div>
        </dl>
      </div>
      <h3 className="market-overview__heading">{t('sectors')}</h3>
      {split ? (
        <>
          <SectorList title={t('strongest')} sectors={strongest} lang={i18n.language} fmt={fmt} t={t} />
          <SectorList title={t('weakest')} sectors={weakest} lang={i18n.language} fmt={fmt} t={t} />
          <details className="market-overview__all">
            <summary>{t('allSectors', { n: sectors.length })}</summary>
            <SectorList sectors={sectors} lang={i18n.language} fmt={fmt} t={t} />
          </details>
        </>
      ) : (
        <SectorList sectors={strongest} lang={i18n.language} fmt={fmt} t={t} />
      )}
    </Card>
  )
}

/** Index codes the server stores (market/providers/base.py) → the card's name for them. */
const INDEX_LABELS: Record<string, 'indexTopix' | 'indexDemo'> = { TOPIX: 'indexTopix', TOPIX_DEMO: 'indexDemo' }

function Benchmark({ data, fmt, t }: { data: MarketOverview; fmt: Formatters; t: MarketT }) {
  const benchmark = data.benchmark
  const pct = (m: number) => fmt.pct(m)
  if (benchmark.kind !== 'index') {
    return (
      <div className="market-overview__benchmark">
        <span className="market-overview__label">{t('benchmark')}</span>
        <Change className="market-overview__move" value={benchmark.change_pct} format={pct} />
        <p className="footnote">{t('benchmarkNote')}</p>
      </div>
    )
  }
  const label = INDEX_LABELS[benchmark.code ?? '']
  const demo = benchmark.code === 'TOPIX_DEMO'
  return (
    <div className="market-overview__benchmark market-overview__benchmark--index">
      <span className="market-overview__label">{label ? t(label) : (benchmark.name ?? benchmark.code)}</span>
      <Change className="market-overview__move" value={benchmark.change_pct} format={pct} />
      <p className="market-overview__index">
        <span className="market-overview__index-close">{t('indexClose', { close: fmt.number(benchmark.close, 2) })}</span>{' '}
        <Change
          className="market-overview__index-change"
          value={benchmark.change}
          format={(m) => t('indexPoints', { n: fmt.number(m, 2) })}
        />
      </p>
      <p className="market-overview__average">
        <span className="muted">{t('benchmark')}</span>{' '}
        <Change value={data.average_change_pct} format={pct} />
      </p>
      <p className="footnote">{demo ? t('indexDemoNote') : t('indexNote')}</p>
    </div>
  )
}

interface SectorListProps {
  title?: string
  sectors: SectorMove[]
  lang: string
  fmt: Formatters
  t: MarketT
}

function SectorList({ title, sectors, lang, fmt, t }: SectorListProps) {
  return (
    <div className="sector-moves">
      {title ? <h4 className="sector-moves__title">{title}</h4> : null}
      <ul className="sector-moves__list">
        {sectors.map((sector) => (
          <li key={sector.sector} className="sector-moves__item">
            <span className="sector-moves__name">{sectorName(sector, lang) || t('noSector')}</span>
            <span className="sector-moves__count muted">{t('count', { n: sector.count })}</span>
            <Change className="sector-moves__move" value={sector.average_change_pct} format={(m) => fmt.pct(m)} />
          </li>
        ))}
      </ul>
    </div>
  )
}
