import i18n, { applyAccountLanguage, chooseLanguage, deviceLanguage } from './index'

describe('UI language', () => {
  it('remembers a choice made on this device, not every change', async () => {
    await i18n.changeLanguage('en')
    expect(deviceLanguage()).toBeNull()
    await chooseLanguage('en')
    expect(deviceLanguage()).toBe('en')
    expect(window.localStorage.getItem('kabu.lang')).toBe('en')
    expect(document.documentElement.lang).toBe('en')
  })

  it("applies the account's language when this device has no choice of its own", () => {
    expect(applyAccountLanguage('en')).toBe(true)
    expect(i18n.language).toBe('en')
    expect(window.localStorage.getItem('kabu.lang.account')).toBe('en')
    expect(deviceLanguage()).toBeNull()
  })

  it('lets the choice on this device win over the account', async () => {
    await chooseLanguage('ja')
    expect(applyAccountLanguage('en')).toBe(false)
    expect(i18n.language).toBe('ja')
  })

  it('ignores a language it does not know', () => {
    expect(applyAccountLanguage('fr')).toBe(false)
    expect(applyAccountLanguage(null)).toBe(false)
    expect(i18n.language).toBe('ja')
  })
})
