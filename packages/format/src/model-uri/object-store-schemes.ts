/**
 * The URI schemes of the object stores MLflow keeps artifacts in and registers model sources from
 * (its artifact repositories: S3, GCS, Azure Blob and ADLS Gen2, HDFS, Databricks DBFS). Each place
 * that allows a set of schemes adds its own (`runs`, `models`, `http`, …) to these.
 */
export const OBJECT_STORE_SCHEMES: readonly string[] = ['s3', 'gs', 'wasbs', 'abfss', 'hdfs', 'dbfs'];
