/**
 * The Parquet schema of a table: physical, converted and logical types chosen so readers see
 * the column types we mean (DuckDB: VARCHAR, TIMESTAMP WITH TIME ZONE, DOUBLE, INTEGER,
 * BOOLEAN, DATE).
 */
import type { SchemaElement } from "hyparquet";
import type { ColumnSpec, TableSchema } from "../../core/columnTable.js";

export function parquetSchema(schema: TableSchema): SchemaElement[] {
  return [
    { name: "root", num_children: schema.columns.length },
    ...schema.columns.map((spec) => parquetSchemaElement(spec)),
  ];
}

function parquetSchemaElement(spec: ColumnSpec): SchemaElement {
  const repetition_type = spec.nullable ? "OPTIONAL" : "REQUIRED";
  switch (spec.type) {
    case "string":
      return { name: spec.name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type };
    case "int32":
      return { name: spec.name, type: "INT32", repetition_type };
    case "float64":
      return { name: spec.name, type: "DOUBLE", repetition_type };
    case "bool":
      return { name: spec.name, type: "BOOLEAN", repetition_type };
    case "timestamp_ms":
      return {
        name: spec.name,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
        repetition_type,
      };
    case "date":
      return {
        name: spec.name,
        type: "INT32",
        converted_type: "DATE",
        logical_type: { type: "DATE" },
        repetition_type,
      };
  }
}
