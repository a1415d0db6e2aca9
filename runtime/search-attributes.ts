/**
 * Registers the project's search attributes on a namespace (contract: "Inspecting in-flight
 * requests"). Idempotent: attributes already there are left alone. The local dev server gets them
 * at launch (`--search-attribute`); this is for any other cluster and for the test server.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { status } from '@grpc/grpc-js';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../workflows/definitions';

const TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

export async function registerSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
): Promise<string[]> {
  const known = new Set<string>();
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of Object.keys({ ...existing.customAttributes, ...existing.systemAttributes })) known.add(name);
  } catch (error) {
    // The time-skipping test server cannot list attributes, only add them: add them all there.
    if ((error as { code?: unknown }).code !== status.UNIMPLEMENTED) throw error;
  }
  const missing = SEARCH_ATTRIBUTE_DEFINITIONS.filter((a) => !known.has(a.name));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a.name, TYPES[a.type]])),
    });
  }
  return missing.map((a) => a.name);
}
