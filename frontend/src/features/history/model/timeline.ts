/** One point of the score timeline per data date (the last evaluation of the day). */
export interface ScorePoint {
  time: string
  buy: number
  sell: number
  match: number | null
}

/** Buy red, sell blue (as on Japanese order screens), match indigo: the gauges' colours. */
export const SCORE_COLORS = { buy: '#c62828', sell: '#1a5fb4', match: '#4f46b8' } as const
