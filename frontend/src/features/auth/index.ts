// The auth feature's public surface (imported by src/app only).
export { SignInPage } from './components/SignInPage'
export { SetupPage } from './components/SetupPage'
