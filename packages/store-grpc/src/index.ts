/**
 * @mlflow-ts/store-grpc — clients for the store service: MLflow's REST API (works against a real
 * MLflow server too) and this project's gRPC protocol. The server is `@mlflow-ts/store-grpc/server`.
 */
export { createGrpcStore, createRestStore, grpcStoreFactory, restStoreFactory } from './client/stores.js';
export type { GrpcStoreOptions, RemoteStore, RestStoreOptions } from './client/stores.js';
export { ERROR_CODE_METADATA } from './protocol/grpc-definitions.js';
