import type { components } from './schema'
import type { JobRead } from './types'

/**
 * The data-source routes (/api/v1/data-source, administrators): short names for the schema's
 * types (generated into schema.d.ts from openapi.json), as the data page uses them.
 */
type Schemas = components['schemas']

/** GET /data-source: what the database holds now (demo and real data never mix), each source's set-up. */
export type DataSourceState = Schemas['DataSourceState']
export type SourceName = DataSourceState['active_source']
export type StoredData = DataSourceState['stored_data']
export type PlanRead = Schemas['PlanInfo']
export type JQuantsPlan = PlanRead['plan']
/** POST /data-source/jquants/check: the key works (one cheap call, the listed master). */
export type JQuantsCheck = Schemas['JQuantsCheckResult']
/** GET /data-source/estimate?source=…: what the first sync will cost, before it starts. */
export type SyncEstimate = Schemas['Estimate']
/** POST /data-source/csv/preview: nothing is ever written by it. */
export type CsvPreview = Schemas['CsvPreview']
export type CsvFileSummary = Schemas['CsvFileSummary']
/** One problem in an uploaded file. `row` counts the header as row 1 (the first data row is 2). */
export type CsvError = Schemas['CsvError']
export type CsvKind = CsvError['file']
/** A sync job: `eta_seconds` (null until there is progress) and `attempt` (a resumed sync counts up). */
export type SyncJob = JobRead
