import { useTranslation } from 'react-i18next'
import { useErrorText } from '@/components/ErrorMessage'
import { useSaveLanguage } from '@/lib/api/me'
import { chooseLanguage, currentLanguage, LANGUAGES, type Language } from '@/lib/i18n'

const NAMES: Record<Language, { short: string; full: string }> = {
  ja: { short: 'JA', full: '日本語' },
  en: { short: 'EN', full: 'English' },
}

interface Props {
  tone?: 'light' | 'dark'
  /** after the UI switched to another language (not called when the shown one is picked again) */
  onChange?: (lang: Language) => void
}

/** 日本語 / English toggle; the choice is remembered on this device and sets <html lang>. */
export function LanguageSwitch({ tone = 'light', onChange }: Props) {
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
          onClick={() => {
            if (lang === currentLanguage()) return
            void chooseLanguage(lang)
            onChange?.(lang)
          }}
        >
          {NAMES[lang].short}
        </button>
      ))}
    </div>
  )
}

/**
 * The signed-in header's switch: like the settings page, it also saves the choice to the account
 * (so another device, or this one after its choice is cleared, opens in it). A failed save keeps
 * the new language on screen and says so.
 */
export function AccountLanguageSwitch({ tone = 'light' }: Pick<Props, 'tone'>) {
  const { t } = useTranslation()
  const save = useSaveLanguage()
  const errorText = useErrorText()
  return (
    <>
      <LanguageSwitch tone={tone} onChange={(lang) => save.mutate(lang)} />
      {save.isError ? (
        <span className="lang-switch__error" role="alert">
          {t('app.languageNotSaved', { detail: errorText(save.error) })}
        </span>
      ) : null}
    </>
  )
}
