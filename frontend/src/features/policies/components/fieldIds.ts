/** The id of a form control by its API path: `rules.2.metric` → `pol-field-rules-2-metric`. */
export function fieldId(path: string): string {
  return `pol-field-${path.replace(/\./g, '-')}`
}
