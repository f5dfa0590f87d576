// Jobs as the user sees them: the demo banner, the dashboard's data card and the settings page.
export { JobProgress } from './JobProgress'
export { JobStatusBadge } from './JobStatusBadge'
export { useJobsT } from './i18n'
export { useJobText, type JobText } from './useJobText'
