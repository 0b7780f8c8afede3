import { describe, expect, it } from 'vitest';
import { createS3ArtifactRepository, parseS3Uri, s3ClientConfigFromEnv } from '../src/index.js';

describe('S3 client settings from MLflow environment variables', () => {
  it('uses path-style addressing and relaxed checksums for a custom endpoint', () => {
    const c = s3ClientConfigFromEnv({
      MLFLOW_S3_ENDPOINT_URL: 'http://127.0.0.1:9000',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
    expect(c).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      region: 'eu-west-1',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    expect(
      s3ClientConfigFromEnv({ MLFLOW_S3_ENDPOINT_URL: 'http://h', MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE: 'virtual' })
        .forcePathStyle,
    ).toBe(false);
  });

  it('takes AWS credentials, session token and region from the environment (AWS_REGION first)', () => {
    const c = s3ClientConfigFromEnv({
      AWS_ACCESS_KEY_ID: 'k',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 't',
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
    expect(c.credentials).toEqual({ accessKeyId: 'k', secretAccessKey: 's', sessionToken: 't' });
    expect(c.region).toBe('us-west-2');
    expect(c.forcePathStyle).toBe(false);
    expect(c.endpoint).toBeUndefined();
    expect(s3ClientConfigFromEnv({}).credentials).toBeUndefined(); // the SDK's default chain
  });

  it('turns off TLS verification only with MLFLOW_S3_IGNORE_TLS', () => {
    expect(s3ClientConfigFromEnv({}).requestHandler).toBeUndefined();
    const handler = s3ClientConfigFromEnv({ MLFLOW_S3_IGNORE_TLS: 'true' }).requestHandler as {
      httpsAgent?: { options?: { rejectUnauthorized?: boolean } };
    };
    expect(handler.httpsAgent?.options?.rejectUnauthorized).toBe(false);
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => s3ClientConfigFromEnv({ MLFLOW_S3_ENDPOINT_URL: 'file:///etc' })).toThrow(/MLFLOW_S3_ENDPOINT_URL/);
  });

  it('splits s3:// URIs like MLflow', () => {
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Uri('s3://bucket/')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Uri('s3://bucket/a/b/')).toEqual({ bucket: 'bucket', prefix: 'a/b' });
    expect(parseS3Uri('s3://my.bucket-1/0/run/artifacts')).toEqual({
      bucket: 'my.bucket-1',
      prefix: '0/run/artifacts',
    });
  });

  it('refuses a malformed MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE', () => {
    expect(() =>
      createS3ArtifactRepository('s3://bucket/p', { env: { MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE: '10MB' } }),
    ).toThrow(/MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE/);
    expect(
      createS3ArtifactRepository('s3://bucket/p', { env: { MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE: '10485760' } }).rootUri,
    ).toBe('s3://bucket/p');
  });
});
