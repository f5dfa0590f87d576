import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { en } from './en'
import { ja } from './ja'

export const LANGUAGES = ['ja', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
const STORAGE_KEY = 'kabu.lang'

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY)
    return isLanguage(value) ? value : 'ja'
  } catch {
    return 'ja'
  }
}

/** The UI language as one of ours (i18next may report e.g. "cimode" in odd set-ups). */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'ja'
}

i18n.on('languageChanged', (lng) => {
  if (!isLanguage(lng)) return
  document.documentElement.lang = lng
  try {
    window.localStorage.setItem(STORAGE_KEY, lng)
  } catch {
    // private mode: the choice lasts for this page only
  }
})

void i18n.use(initReactI18next).init({
  resources: { ja: { translation: ja }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'ja',
  interpolation: { escapeValue: false },
  showSupportNotice: false,
})
document.documentElement.lang = currentLanguage()

export default i18n
