export { GradesTable } from './GradesTable'
export { GradingSummary } from './GradingSummary'
export { useGradingT } from './i18n'
