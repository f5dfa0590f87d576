import type {
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  SeriesAttachedParameter,
  SeriesType,
  Time,
} from 'lightweight-charts'

export interface Band {
  low: number
  high: number
  color: string
}

/** A horizontal shaded band between two prices across the whole pane (the entry zone). */
export class BandPrimitive implements ISeriesPrimitive<Time> {
  private series: ISeriesApi<SeriesType, Time> | null = null
  private requestUpdate: (() => void) | null = null
  private band: Band | null = null

  private readonly renderer: IPrimitivePaneRenderer = {
    draw: () => undefined,
    drawBackground: (target) => {
      const { series, band } = this
      if (!series || !band) return
      const top = series.priceToCoordinate(band.high)
      const bottom = series.priceToCoordinate(band.low)
      if (top === null || bottom === null) return
      target.useMediaCoordinateSpace(({ context, mediaSize }) => {
        context.fillStyle = band.color
        const y = Math.min(top, bottom)
        context.fillRect(0, y, mediaSize.width, Math.max(Math.abs(bottom - top), 2))
      })
    },
  }

  private readonly views: readonly IPrimitivePaneView[] = [
    { zOrder: () => 'bottom', renderer: () => this.renderer },
  ]

  attached(param: SeriesAttachedParameter<Time>): void {
    this.series = param.series
    this.requestUpdate = param.requestUpdate
  }

  detached(): void {
    this.series = null
    this.requestUpdate = null
  }

  setBand(band: Band | null): void {
    this.band = band
    this.requestUpdate?.()
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views
  }
}
