export { StockPage } from './components/StockPage'
