import { chartBase } from '@/lib/chart'

/** The price chart's colours (kept in step with the CSS variables in styles/base.css). Rising red, falling blue. */
export const chartTheme = {
  ...chartBase,
  up: '#d23c3c',
  down: '#2163c4',
  upVolume: 'rgba(210, 60, 60, 0.35)',
  downVolume: 'rgba(33, 99, 196, 0.35)',
  sma: { 5: '#e69b00', 25: '#7b3fb5', 75: '#138a72', 200: '#6b4f2a' } as Record<number, string>,
  bollinger: '#8a94a3',
  rsi: '#7b3fb5',
  macd: '#2163c4',
  signal: '#e67e22',
  entry: '#4f46b8',
  entryFill: 'rgba(79, 70, 184, 0.12)',
  target: '#1b7f3b',
  stop: '#c2410c',
}
