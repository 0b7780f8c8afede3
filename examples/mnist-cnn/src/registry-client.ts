/** A client for the model registry of the tracking URI, or undefined when that store has none. */
import { MlflowClient } from '@mlflow-ts/client';

export async function registryClient(trackingUri: string): Promise<MlflowClient | undefined> {
  const client = new MlflowClient({ trackingUri });
  if ((await client.stores()).registry) return client;
  await client.close();
  return undefined;
}
