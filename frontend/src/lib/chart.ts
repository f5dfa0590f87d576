import { ColorType } from 'lightweight-charts'

/** The colours and font every chart shares (kept in step with the CSS variables in styles/base.css). */
export const chartBase = {
  background: '#ffffff',
  text: '#3d4754',
  grid: '#eef1f5',
  border: '#d5dce5',
  fontFamily: '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans JP", "Yu Gothic", Meiryo, system-ui, sans-serif',
}

/**
 * The look of every lightweight-charts chart in the app: sized by its container, white, the app's
 * font, a light grid. Spread into createChart's options and add the chart's own.
 */
export const baseChartOptions = {
  autoSize: true,
  layout: {
    background: { type: ColorType.Solid, color: chartBase.background },
    textColor: chartBase.text,
    fontFamily: chartBase.fontFamily,
    fontSize: 12,
    attributionLogo: true,
  },
  grid: { vertLines: { color: chartBase.grid }, horzLines: { color: chartBase.grid } },
} as const
