import { api, unwrap } from '@/lib/api/client'
import type {
  PolicyCreate,
  PolicyRead,
  PolicyUpdate,
  PolicyVersion,
  Preset,
  Style,
} from '../model/types'

export async function fetchPolicy(id: number): Promise<PolicyRead> {
  return unwrap(api.GET('/api/v1/policies/{policy_id}', { params: { path: { policy_id: id } } }))
}

/** One preset per style; `policy.name` comes in `lang`, name_ja / name_en both. */
export async function fetchPresets(lang: 'ja' | 'en'): Promise<Preset[]> {
  return unwrap(api.GET('/api/v1/policies/presets', { params: { query: { lang } } }))
}

export async function createFromPreset(style: Style): Promise<PolicyRead> {
  return unwrap(api.POST('/api/v1/policies/from-preset/{style}', { params: { path: { style } } }))
}

export async function createPolicy(body: PolicyCreate): Promise<PolicyRead> {
  return unwrap(api.POST('/api/v1/policies', { body }))
}

/** PUT the whole policy; `expected_version` makes a change made elsewhere a 409 instead of lost. */
export async function updatePolicy(id: number, body: PolicyUpdate): Promise<PolicyRead> {
  return unwrap(api.PUT('/api/v1/policies/{policy_id}', { params: { path: { policy_id: id } }, body }))
}

export async function deletePolicy(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/policies/{policy_id}', { params: { path: { policy_id: id } } }))
}

export async function fetchVersions(id: number): Promise<PolicyVersion[]> {
  const list = await unwrap(api.GET('/api/v1/policies/{policy_id}/versions', { params: { path: { policy_id: id } } }))
  return list.items
}
