export { DataPage } from './components/DataPage'
