export {
  DEFAULT_PART_SIZE,
  DEFAULT_QUEUE_SIZE,
  MIN_PART_SIZE,
  checkS3ArtifactRoot,
  createS3ArtifactRepository,
  createS3ArtifactRepositoryFactory,
} from './s3-artifact-repository.js';
export type { S3ArtifactRepositoryOptions, UploadProgress } from './s3-artifact-repository.js';
export { expectedBucketOwnerFromEnv, s3ClientConfigFromEnv, uploadExtraArgsFromEnv } from './s3-config.js';
export type { Env } from './s3-config.js';
export { s3Error } from './s3-errors.js';
export { keyFor, parseS3Uri } from './s3-uri.js';
export type { S3Location } from './s3-uri.js';
