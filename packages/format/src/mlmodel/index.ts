// Placeholder until the MLmodel work lands; these names are the contract.
export type MLmodel = { flavors: Record<string, Record<string, unknown>>; [key: string]: unknown };
