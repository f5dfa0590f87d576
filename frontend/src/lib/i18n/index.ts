import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { en } from './en'
import { ja } from './ja'

export const LANGUAGES = ['ja', 'en'] as const
export type Language = (typeof LANGUAGES)[number]

/** The language chosen on this device (the header's switch, the settings page): it always wins. */
const DEVICE_KEY = 'kabu.lang'
/** The signed-in account's language (GET /users/me), used while this device has no choice of its own. */
const ACCOUNT_KEY = 'kabu.lang.account'

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

function read(key: string): Language | null {
  try {
    const value = window.localStorage.getItem(key)
    return isLanguage(value) ? value : null
  } catch {
    return null
  }
}

function write(key: string, value: Language): void {
  try {
    window.localStorage.setItem(key, value)
  } catch {
    // private mode: the language lasts for this page only
  }
}

/** The language the user chose on this device, if any. */
export function deviceLanguage(): Language | null {
  return read(DEVICE_KEY)
}

/** The user picks a language: switch now and remember it on this device (over the account's). */
export function chooseLanguage(lng: Language): Promise<unknown> {
  write(DEVICE_KEY, lng)
  return i18n.changeLanguage(lng)
}

/**
 * After sign-in: switch to the account's stored language unless the user chose one on this device.
 * It is remembered (for reloads) until the next sign-in. Returns whether the UI language changed.
 */
export function applyAccountLanguage(lng: unknown): boolean {
  if (!isLanguage(lng)) return false
  write(ACCOUNT_KEY, lng)
  if (deviceLanguage() !== null || lng === i18n.language) return false
  void i18n.changeLanguage(lng)
  return true
}

/** The UI language as one of ours (i18next may report e.g. "cimode" in odd set-ups). */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'ja'
}

i18n.on('languageChanged', (lng) => {
  if (isLanguage(lng)) document.documentElement.lang = lng
})

void i18n.use(initReactI18next).init({
  resources: { ja: { translation: ja }, en: { translation: en } },
  lng: deviceLanguage() ?? read(ACCOUNT_KEY) ?? 'ja',
  fallbackLng: 'ja',
  interpolation: { escapeValue: false },
  showSupportNotice: false,
})
document.documentElement.lang = currentLanguage()

export default i18n
