// Placeholder until the signature work lands; these names are the contract.
export type ModelSignature = { inputs: unknown; outputs?: unknown; params?: unknown };
