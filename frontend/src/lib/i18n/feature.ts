import { useTranslation } from 'react-i18next'
import i18n from './index'

/**
 * A feature's own UI strings, in their own i18next namespace, so that a feature does not have to
 * edit the shared ja.ts / en.ts. Japanese is the source; English must have the same keys. A group
 * of shared components with many words of its own does the same (components/evaluation/i18n.ts).
 *
 * ```ts
 * // features/x/i18n.ts
 * export const useXT = defineFeatureStrings('x', { ja: { title: '…' }, en: { title: '…' } })
 * // in a component
 * const { t } = useXT()   // t('title'): keys are checked by TypeScript
 * ```
 * Shared words (common.*, recommendation.*, market.*) stay in the default namespace:
 * `useTranslation()` as elsewhere.
 */
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> }

/** Every key of a nested string table, dotted: { a: { b: '' } } → 'a.b'. */
export type KeysOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : KeysOf<T[K], `${Prefix}${K}.`>
}[keyof T & string]

export type FeatureT<T> = (key: KeysOf<T>, options?: Record<string, unknown>) => string

export function defineFeatureStrings<T extends object>(namespace: string, strings: { ja: T; en: Shape<T> }) {
  i18n.addResourceBundle('ja', namespace, strings.ja, true, true)
  i18n.addResourceBundle('en', namespace, strings.en, true, true)
  /** This feature's `t` (re-renders when the UI language changes) and the i18n instance. */
  return function useFeatureTranslation() {
    const { t, i18n: instance } = useTranslation(namespace as 'translation')
    return { t: t as unknown as FeatureT<T>, i18n: instance }
  }
}
