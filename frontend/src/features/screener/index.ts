export { ScreenerPage } from './components/ScreenerPage'
