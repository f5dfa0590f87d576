// The evaluation view shared by the stock page (evaluate panel) and the history page (one evaluation).
export { EvaluationReasons } from './EvaluationReasons'
export { EvaluationScores } from './EvaluationScores'
