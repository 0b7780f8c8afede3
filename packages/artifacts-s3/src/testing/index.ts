export { S3_TEST_ACCESS_KEY_ID, S3_TEST_SECRET_ACCESS_KEY, startS3TestServer } from './s3-test-server.js';
export type { S3TestServer } from './s3-test-server.js';
