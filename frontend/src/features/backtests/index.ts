// Policy backtests: the form, the run's progress and result, the user's runs, two compared.
export { BacktestPage } from './components/BacktestPage'
export { BacktestsPage } from './components/BacktestsPage'
export { ComparePage } from './components/ComparePage'
export { NewBacktestPage } from './components/NewBacktestPage'
