export { PoliciesPage } from './components/PoliciesPage'
