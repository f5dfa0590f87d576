import { defineFeatureStrings, type FeatureT } from '@/lib/i18n/feature'

/** The dashboard's watchlist management (the rest of the dashboard's words are in lib/i18n: dashboard.*). */
const ja = {
  create: {
    title: '新しいウォッチリスト',
    name: '新しいリストの名前',
    namePlaceholder: '例: 高配当候補',
    submit: 'リストを作成',
    creating: '作成中…',
    created: '「{{name}}」を作成しました',
  },
  policy: {
    label: '評価に使う投資方針',
    none: '方針なし',
    current: '方針: {{name}}',
  },
  manage: {
    edit: '編集',
    done: '編集を終える',
    panel: '「{{name}}」の編集',
    name: 'リスト名',
    nameRequired: 'リスト名を入力してください',
    saveName: '名前を保存',
    saving: '保存中…',
    saved: '保存しました',
    actions: '操作',
    remove: '外す',
    removeLabel: '{{code}} {{name}} をリストから外す',
    removed: '{{code}} をリストから外しました',
    delete: 'リストを削除',
    confirmTitle: '「{{name}}」を削除しますか？',
    confirmBody: '{{n}} 銘柄もリストから外れます。評価の履歴は残ります。',
    confirmBodyEmpty: '評価の履歴は残ります。',
    confirm: '削除する',
    deleting: '削除中…',
    deleted: '「{{name}}」を削除しました',
  },
  evaluate: {
    evaluated: '{{n}} 銘柄を評価しました。',
    skipped: '{{codes}} は最新のデータ・同じ方針で評価済みのため省略しました（次の同期で新しいデータが入ると再評価します）。',
    skippedCount: '{{n}} 銘柄は最新のデータ・同じ方針で評価済みのため省略しました（次の同期で新しいデータが入ると再評価します）。',
    failed: '{{codes}} はデータがないため評価できませんでした。',
  },
}

const en: typeof ja = {
  create: {
    title: 'New watchlist',
    name: 'Name of the new list',
    namePlaceholder: 'e.g. High dividend',
    submit: 'Create list',
    creating: 'Creating…',
    created: 'Created “{{name}}”',
  },
  policy: {
    label: 'Policy to evaluate with',
    none: 'No policy',
    current: 'Policy: {{name}}',
  },
  manage: {
    edit: 'Edit',
    done: 'Done',
    panel: 'Edit “{{name}}”',
    name: 'List name',
    nameRequired: 'Enter a name for the list',
    saveName: 'Save name',
    saving: 'Saving…',
    saved: 'Saved',
    actions: 'Actions',
    remove: 'Remove',
    removeLabel: 'Remove {{code}} {{name}} from the list',
    removed: 'Removed {{code}} from the list',
    delete: 'Delete list',
    confirmTitle: 'Delete “{{name}}”?',
    confirmBody: 'Its {{n}} stocks leave the list too. Past evaluations are kept.',
    confirmBodyEmpty: 'Past evaluations are kept.',
    confirm: 'Delete',
    deleting: 'Deleting…',
    deleted: 'Deleted “{{name}}”',
  },
  evaluate: {
    evaluated: '{{n}} evaluated.',
    skipped:
      'Skipped {{codes}}: already evaluated on the latest data under the same policy (they are evaluated again when a sync brings new data).',
    skippedCount:
      'Skipped {{n}}: already evaluated on the latest data under the same policy (they are evaluated again when a sync brings new data).',
    failed: 'No data to evaluate {{codes}}.',
  },
}

export const useWatchlistT = defineFeatureStrings('watchlists', { ja, en })
export type WatchlistT = FeatureT<typeof ja>
