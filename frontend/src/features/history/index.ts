export { EvaluationDetailPage } from './components/EvaluationDetailPage'
export { HistoryPage } from './components/HistoryPage'
