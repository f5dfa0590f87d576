import { useState } from 'react'
import { Card } from '@/components/Card'
import { ErrorMessage, useErrorText } from '@/components/ErrorMessage'
import { Skeleton } from '@/components/Skeleton'
import { useHealth } from '@/lib/api/health'
import { useMe } from '@/lib/api/me'
import { useFormat } from '@/lib/format'
import { chooseLanguage, LANGUAGES, isLanguage, type Language } from '@/lib/i18n'
import { usePageTitle } from '@/lib/usePageTitle'
import { useSignOutEverywhere, useUpdateLanguage } from '../hooks/queries'
import { useSettingsT } from '../i18n'
import { JobsCard } from './JobsCard'
import { PasswordForm } from './PasswordForm'
import '../settings.css'

const LANGUAGE_NAMES: Record<Language, string> = { ja: '日本語', en: 'English' }

function AccountCard() {
  const { t } = useSettingsT()
  const fmt = useFormat()
  const me = useMe()
  return (
    <Card title={t('account.title')} id="set-account">
      {me.isPending ? (
        <div aria-busy="true" className="set-skeleton">
          <Skeleton height={96} />
        </div>
      ) : me.isError ? (
        <ErrorMessage error={me.error} onRetry={() => void me.refetch()} compact />
      ) : (
        <>
          <dl className="set-facts">
            <div>
              <dt>{t('account.username')}</dt>
              <dd className="set-username">{me.data.username}</dd>
            </div>
            <div>
              <dt>{t('account.role')}</dt>
              <dd>{me.data.is_admin ? t('account.admin') : t('account.member')}</dd>
            </div>
            <div>
              <dt>{t('account.created')}</dt>
              <dd>{fmt.date(me.data.created_at)}</dd>
            </div>
            <div>
              <dt>{t('account.lastLogin')}</dt>
              <dd>{me.data.last_login_at ? fmt.dateTime(me.data.last_login_at) : t('account.never')}</dd>
            </div>
          </dl>
          <h3 className="subheading" id="set-password-title">
            {t('password.title')}
          </h3>
          <PasswordForm username={me.data.username} />
          <SignOutEverywhere />
        </>
      )}
    </Card>
  )
}

/** Ends every token of the account (a lost device); this device goes to sign-in with the rest. */
function SignOutEverywhere() {
  const { t } = useSettingsT()
  const signOut = useSignOutEverywhere()
  return (
    <section aria-labelledby="set-sign-out-title">
      <h3 className="subheading" id="set-sign-out-title">
        {t('signOutEverywhere.title')}
      </h3>
      <p className="muted set-lead">{t('signOutEverywhere.lead')}</p>
      {signOut.isError ? <ErrorMessage error={signOut.error} compact /> : null}
      <button type="button" className="button" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
        {signOut.isPending ? t('signOutEverywhere.pending') : t('signOutEverywhere.button')}
      </button>
    </section>
  )
}

/** Switches the UI at once (and remembers it on this device), then saves it to the account. */
function LanguageCard() {
  const { t, i18n } = useSettingsT()
  const update = useUpdateLanguage()
  const errorText = useErrorText()
  const [saved, setSaved] = useState(false)
  const current: Language = isLanguage(i18n.language) ? i18n.language : 'ja'

  function choose(lang: Language) {
    if (lang === current) return
    setSaved(false)
    void chooseLanguage(lang)
    update.mutate(lang, { onSuccess: () => setSaved(true) })
  }

  return (
    <Card title={t('language.title')} id="set-language">
      <p className="muted set-lead">{t('language.lead')}</p>
      <fieldset className="set-langs">
        <legend className="visually-hidden">{t('language.label')}</legend>
        {LANGUAGES.map((lang) => (
          <label key={lang} className="set-lang" lang={lang}>
            <input type="radio" name="language" value={lang} checked={current === lang} onChange={() => choose(lang)} />
            <span>{LANGUAGE_NAMES[lang]}</span>
          </label>
        ))}
      </fieldset>
      <p className="set-status" role="status">
        {saved && !update.isPending ? (
          <>
            <span aria-hidden="true">✓ </span>
            {t('language.saved')}
          </>
        ) : (
          ''
        )}
      </p>
      {update.isError ? (
        <p className="field__error" role="alert">
          {t('language.notSaved', { detail: errorText(update.error) })}
        </p>
      ) : null}
    </Card>
  )
}

function DataCard() {
  const { t, i18n } = useSettingsT()
  const fmt = useFormat()
  const health = useHealth()
  const data = health.data
  const sync = data?.data.last_sync ?? null
  const status = (sync?.status ?? 'unknown') as 'running' | 'succeeded' | 'failed' | 'unknown'
  return (
    <Card title={t('data.title')} id="set-data">
      {health.isPending ? (
        <div aria-busy="true" className="set-skeleton">
          <Skeleton height={180} />
        </div>
      ) : health.isError || !data ? (
        <ErrorMessage error={health.error} onRetry={() => void health.refetch()} compact />
      ) : (
        <>
          <dl className="set-facts">
            <div>
              <dt>{t('data.source')}</dt>
              <dd>
                {data.data.sources.length
                  ? data.data.sources.map((s) => t(`data.sourceName.${s as 'demo'}`, { defaultValue: s })).join(i18n.language.startsWith('en') ? ', ' : '、')
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>{t('data.demo')}</dt>
              <dd>
                {data.data.demo ? (
                  <span className="chip chip--demo">{t('data.demoYes')}</span>
                ) : (
                  t('data.demoNo')
                )}
              </dd>
            </div>
            <div>
              <dt>{t('data.latestBar')}</dt>
              <dd>{fmt.date(data.data.latest_bar_date)}</dd>
            </div>
            <div>
              <dt>{t('data.lastSync')}</dt>
              <dd>
                {sync ? (
                  <>
                    <span className={`status status--${['running', 'succeeded', 'failed'].includes(status) ? status : 'unknown'}`}>
                      {t(`data.syncStatus.${['running', 'succeeded', 'failed'].includes(status) ? status : 'unknown'}`)}
                    </span>{' '}
                    {fmt.dateTime(sync.finished_at ?? sync.started_at)}
                    {sync.error ? <span className="set-sync-error">{t('data.syncError', { error: sync.error })}</span> : null}
                  </>
                ) : (
                  t('data.noSync')
                )}
              </dd>
            </div>
            <div>
              <dt>{t('data.version')}</dt>
              <dd>{data.version}</dd>
            </div>
            {data.database ? (
              <div>
                <dt>{t('data.database')}</dt>
                <dd>
                  {data.database.backend} · {data.database.ok ? t('data.ok') : t('data.down')}
                </dd>
              </div>
            ) : null}
            {data.cache ? (
              <div>
                <dt>{t('data.cache')}</dt>
                <dd>
                  {data.cache.backend} · {data.cache.ok ? t('data.ok') : t('data.down')}
                </dd>
              </div>
            ) : null}
          </dl>
          <p className="footnote">{t('data.note')}</p>
        </>
      )}
    </Card>
  )
}

/** /settings: account and password, language, what data the app shows, and (administrators) jobs. */
export function SettingsPage() {
  const { t } = useSettingsT()
  const me = useMe()
  usePageTitle(t('title'))
  return (
    <div className="page set-page">
      <h1 className="page__title">{t('title')}</h1>
      <div className="set-grid">
        <AccountCard />
        <div className="set-side">
          <LanguageCard />
          <DataCard />
        </div>
      </div>
      {me.data?.is_admin ? <JobsCard /> : null}
    </div>
  )
}
