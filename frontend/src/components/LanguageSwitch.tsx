import { useTranslation } from 'react-i18next'
import { chooseLanguage, LANGUAGES, type Language } from '@/lib/i18n'

const NAMES: Record<Language, { short: string; full: string }> = {
  ja: { short: 'JA', full: '日本語' },
  en: { short: 'EN', full: 'English' },
}

/** 日本語 / English toggle; the choice is remembered on this device and sets <html lang>. */
export function LanguageSwitch({ tone = 'light' }: { tone?: 'light' | 'dark' }) {
  const { t, i18n } = useTranslation()
  return (
    <div className={`lang-switch lang-switch--${tone}`} role="group" aria-label={t('app.language')}>
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          className="lang-switch__option"
          aria-pressed={i18n.language === lang}
          aria-label={NAMES[lang].full}
          title={NAMES[lang].full}
          onClick={() => void chooseLanguage(lang)}
        >
          {NAMES[lang].short}
        </button>
      ))}
    </div>
  )
}
