export { PoliciesPage } from './components/PoliciesPage'
export { PolicyEditorPage } from './components/PolicyEditorPage'
