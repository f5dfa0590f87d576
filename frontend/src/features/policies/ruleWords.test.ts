import i18n from '@/lib/i18n'
import ruleWords from './rule-words.json'
import { OP_SYMBOL } from './components/labels'
import './i18n'

// rule-words.json is the server's table of the rule editor's words (units, conditions, cross
// directions, comparison symbols), exported by `python -m kabu_trade.evaluations.rule_text`; a
// Python test holds the server to the same file. Together they keep the words of a rule on the
// stock page, in the history, the screener CSV and the CLI equal to what the rule editor shows.
describe('the rule editor and the server use the same words', () => {
  it.each(['ja', 'en'] as const)('%s: units, conditions and directions', (lang) => {
    const strings = i18n.getResourceBundle(lang, 'policies') as {
      unit: Record<string, string>
      op: Record<string, string>
      rules: { above: string; below: string }
    }
    expect(strings.unit).toEqual(ruleWords[lang].unit)
    expect(strings.op).toEqual(ruleWords[lang].op)
    expect({ above: strings.rules.above, below: strings.rules.below }).toEqual(ruleWords[lang].direction)
  })

  it('comparison symbols', () => {
    expect(OP_SYMBOL).toEqual(ruleWords.op_symbol)
  })
})
